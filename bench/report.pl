#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-only
#
# Turn one bench boot's output into bench/results.json and a table.
#
#   report.pl [--others N] DIR OUTPUT.json
#
# DIR is the test host's log folder (build/testhost/bench): tap.log has
# the "BENCH {json}" lines of kvm_peer and hospes_bench, console.log the
# kernel log, qemu.rc QEMU's exit status. The test host runs each program
# several times (rounds, alternating the sides); the runs of all rounds
# make up one side's figures, and their median is the result. --others is
# how many other QEMU test hosts were seen running on this machine
# meanwhile (bench/run.sh counts them), since they take CPU time from it.
#
# Prints the table; exits 1 if a side failed or left no result, after
# writing the file all the same. Perl and its core JSON::PP only: perl is
# already a build dependency (checkpatch), jq and python are not.
use strict;
use warnings;
use JSON::PP;

my $others;
if (@ARGV && $ARGV[0] eq '--others') {
	(undef, $others) = splice(@ARGV, 0, 2);
}
die "usage: report.pl [--others N] DIR OUTPUT.json\n" unless @ARGV == 2;
my ($dir, $output) = @ARGV;
my @sides = qw(hospes kvm);
my %program = (kvm => 'kvm_peer', hospes => 'hospes_bench');

sub slurp {
	my ($path) = @_;
	open(my $f, '<', $path) or return ();
	my @lines = <$f>;
	close($f);
	s/\r?\n\z// for @lines;
	return @lines;
}

my (%host, %result, %exit_status, @order, @odd);
my $paging = 'unknown';
my $json = JSON::PP->new;
for my $line (slurp("$dir/tap.log")) {
	if ($line =~ /^# hospes-paging (\S+)/) {
		$paging = $1;
	} elsif ($line =~ /^# hospes-bench-exit (\S+) (\d+)/) {
		# The first failure tells most; else any status will do.
		$exit_status{$1} = $2 unless $exit_status{$1};
	} elsif ($line =~ /^# hospes-(insmod|rmmod) failed|^# hospes-bench .*failed/) {
		push @odd, "test host: " . substr($line, 2);
	} elsif ($line =~ /^BENCH (.*)/) {
		my $obj = eval { $json->decode($1) };
		if (!$obj) {
			push @odd, "unparsable line in tap.log: $line";
			next;
		}
		if ($obj->{type} eq 'host') {
			%host = (%$obj) unless %host;
		} elsif ($obj->{type} eq 'result') {
			push @order, $obj->{bench} unless grep { $_ eq $obj->{bench} } @order;
			push @{$result{$obj->{bench}}{$obj->{side}}}, $obj;
		}
	}
}

# A kernel that oopsed or warned during the bench makes its numbers suspect.
for my $line (slurp("$dir/console.log")) {
	push @odd, "kernel log: $line"
		if $line =~ /BUG:|Oops|WARNING:|general protection|Kernel panic|refcount_t:/;
}
my ($rc) = slurp("$dir/qemu.rc");
$rc //= 'missing';
push @odd, $rc eq '124' ? 'the test host timed out' : "QEMU exited with status $rc"
	if $rc ne '0';
push @odd, "$others other QEMU test host(s) ran on this machine during the bench: timings may be skewed"
	if $others;

my ($dev_cpu) = map { /^model name\s*:\s*(.*)/ ? $1 : () } slurp('/proc/cpuinfo');

# Why a side has no numbers for a bench.
sub why_missing {
	my ($side) = @_;
	my $prog = $program{$side};
	return "$prog exited with status $exit_status{$prog} without a result"
		if defined $exit_status{$prog};
	return "$prog left no result (crashed, or the test host died: see $dir/console.log)";
}

sub median {
	my @v = sort { $a <=> $b } @_;
	return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

# One side of one bench over all rounds: the runs, or why there are none.
sub side_result {
	my ($name, $side) = @_;
	my @lines = @{$result{$name}{$side} // []};
	return { status => 'failed', reason => why_missing($side) } unless @lines;
	my @failed = grep { $_->{status} ne 'ok' } @lines;
	if (@failed) {
		my $why = $failed[0]{reason};
		$why .= sprintf(' (in %d of %d rounds)', scalar @failed, scalar @lines)
			if @failed < @lines;
		return { status => 'failed', reason => $why };
	}
	my %iters = map { $_->{iterations} => 1 } @lines;
	push @odd, "$name: $side ran different iteration counts in different rounds"
		if keys %iters > 1;
	my @runs = map { @{$_->{cycles_per_op}} } @lines;
	return {
		status => 'ok',
		median => median(@runs),
		runs => [map { 0 + $_ } @runs],
		iterations => 0 + $lines[0]{iterations},
		note => $lines[-1]{note} // '',
	};
}

my @benchmarks;
my $all_ok = 1;
my %reasons;	# side => { reason => [benches] }
for my $name (@order) {
	my %b = (name => $name);
	my %r = map { $_ => side_result($name, $_) } @sides;
	($b{what}) = map { $_->{what} } map { @{$result{$name}{$_} // []} } @sides;
	for my $side (@sides) {
		my $r = $r{$side};
		$b{"${side}_status"} = $r->{status};
		if ($r->{status} eq 'ok') {
			$b{"${side}_cycles_per_op"} = 0 + sprintf('%.1f', $r->{median});
			$b{"${side}_runs_cycles_per_op"} = $r->{runs};
			$b{"${side}_note"} = $r->{note} if length $r->{note};
		} else {
			$b{"${side}_cycles_per_op"} = undef;
			$b{"${side}_reason"} = $r->{reason};
			push @{$reasons{$side}{$r->{reason}}}, $name;
			$all_ok = 0;
		}
	}
	my @ok = grep { $_->{status} eq 'ok' } map { $r{$_} } qw(kvm hospes);
	if (@ok) {
		$b{iterations} = $ok[0]{iterations};
		$b{repeats} = scalar @{$ok[0]{runs}};
		push @odd, "$name: the two sides ran different iteration or run counts"
			if @ok == 2 && ($ok[0]{iterations} != $ok[1]{iterations} ||
					@{$ok[0]{runs}} != @{$ok[1]{runs}});
	}
	$b{ratio_hospes_over_kvm} =
		defined $b{hospes_cycles_per_op} && $b{kvm_cycles_per_op} ?
		0 + sprintf('%.3f', $b{hospes_cycles_per_op} / $b{kvm_cycles_per_op}) : undef;
	push @benchmarks, \%b;
}
if (!@order) {
	# Not one result line, so no bench names either: say so once a side.
	push @{$reasons{$_}{why_missing($_)}}, 'all' for @sides;
	$all_ok = 0;
}

my %out = (
	kernel => $host{kernel} // 'unknown',
	cpu_model => $host{cpu_model} // 'unknown',
	test_host => "QEMU TCG with emulated SVM, $paging paging",
	dev_machine_cpu_model => $dev_cpu // 'unknown',
	unit => 'TSC cycles per operation, read with RDTSC in the host VMM process '
		. 'around the run loop (total / iterations); median of the runs (repeats), '
		. 'which alternate between the sides in rounds within the one boot',
	benchmarks => \@benchmarks,
	notes => \@odd,
	log => "$dir/tap.log",
);
open(my $f, '>', $output) or die "report.pl: $output: $!\n";
print $f JSON::PP->new->pretty->canonical->encode(\%out);
close($f) or die "report.pl: $output: $!\n";

# The table, after the JSON so that no number there was turned into a string.
my $fmt = "%-15s %14s %14s %11s %7s %5s\n";
printf "bench on %s (%s), %s\n", $out{kernel}, $out{cpu_model}, $out{test_host};
printf $fmt, 'benchmark', 'hospes cyc/op', 'kvm cyc/op', 'hospes/kvm', 'iters', 'reps';
for my $b (@benchmarks) {
	printf $fmt, $b->{name},
		map({ defined $b->{"${_}_cycles_per_op"} ?
		      sprintf('%.1f', $b->{"${_}_cycles_per_op"}) : 'failed' } @sides),
		defined $b->{ratio_hospes_over_kvm} ? sprintf('%.3f', $b->{ratio_hospes_over_kvm}) : '-',
		$b->{iterations} // '-', $b->{repeats} // '-';
}
for my $side (@sides) {
	for my $why (sort keys %{$reasons{$side} // {}}) {
		my @which = @{$reasons{$side}{$why}};
		my $all = @which == @order || $which[0] eq 'all';
		printf "%s: failed (%s)%s\n", $side, $why,
			$all ? '' : ' in ' . join(', ', @which);
	}
}
print "note: $_\n" for @odd;
print "written: $output\n";
exit($all_ok ? 0 : 1);
