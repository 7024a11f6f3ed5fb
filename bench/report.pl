#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-only
#
# Turn one bench boot's output into bench/results.json and a table.
#
#   report.pl [--others N] DIR OUTPUT.json
#
# DIR is the test host's log folder (build/testhost/bench): tap.log has
# the "BENCH {json}" lines of kvm_peer, hospes_bench and pv_bench,
# console.log the kernel log, qemu.rc QEMU's exit status. The test host
# runs each program several times (rounds, alternating the sides); the
# runs of all rounds make up one side's figures, and their median is the
# result. --others is how many other test hosts (QEMU or Bochs) were seen
# running on this machine meanwhile (bench/run.sh counts them), since they
# take CPU time from it. bench/README.md says what each figure measures.
#
# Prints the table; exits 1 if a side failed or left no result, after
# writing the file all the same. Perl and its core JSON::PP only: perl is
# already a build dependency (checkpatch), jq and python are not.
use strict;
use warnings;
use JSON::PP;
use List::Util qw(uniq);

my $others;
if (@ARGV && $ARGV[0] eq '--others') {
	(undef, $others) = splice(@ARGV, 0, 2);
}
die "usage: report.pl [--others N] DIR OUTPUT.json\n" unless @ARGV == 2;
my ($dir, $output) = @ARGV;
my @sides = qw(hospes kvm);
my %program = (kvm => 'kvm_peer', hospes => 'hospes_bench');
# pv_bench's sides: the guest under hospes run, and compute natively.
my @pv_sides = qw(hospes native);

sub slurp {
	my ($path) = @_;
	open(my $f, '<', $path) or return ();
	my @lines = <$f>;
	close($f);
	s/\r?\n\z// for @lines;
	return @lines;
}

my (%host, %result, %exit_status, @order, %pv, @odd, %linux, %mig, @mig_order);
my $paging = 'unknown';
my $done = 0;	# the test host's init got to its end
my $json = JSON::PP->new;
for my $line (slurp("$dir/tap.log")) {
	if ($line =~ /^# hospes-paging (\S+)/) {
		$paging = $1;
	} elsif ($line =~ /^# hospes-done/) {
		$done = 1;
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
		} elsif ($obj->{type} eq 'pv') {
			push @{$pv{$obj->{bench}}{$obj->{side}}}, $obj;
		} elsif ($obj->{type} eq 'linux') {
			push @{$linux{$obj->{bench}}{$obj->{side}}}, $obj;
		} elsif ($obj->{type} eq 'migrate') {
			push @mig_order, $obj->{bench}
				unless grep { $_ eq $obj->{bench} } @mig_order;
			push @{$mig{$obj->{bench}}}, $obj;
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
# QEMU stopped from outside (a hung boot ended by hand) may still exit 0.
push @odd, 'the test host did not finish its rounds (no "# hospes-done" in tap.log): '
	. 'the later rounds are missing'
	unless $done;
push @odd, "$others other test host(s) (QEMU or Bochs) ran on this machine during the bench: timings may be skewed"
	if $others;

my ($dev_cpu) = map { /^model name\s*:\s*(.*)/ ? $1 : () } slurp('/proc/cpuinfo');

# Why a side has no numbers for a bench (of that program).
sub why_missing {
	my ($side, $prog) = @_;
	$prog //= $program{$side};
	return "$prog exited with status $exit_status{$prog} without a result"
		if defined $exit_status{$prog};
	return "$prog left no result (crashed, or the test host died: see $dir/console.log)";
}

sub median {
	my @v = sort { $a <=> $b } @_;
	return @v % 2 ? $v[$#v / 2] : ($v[@v / 2 - 1] + $v[@v / 2]) / 2;
}

# A side's lines of one bench over all rounds: why they make no result,
# or undef if they do.
sub failure {
	my ($lines, $side, $prog) = @_;
	return { status => 'failed', reason => why_missing($side, $prog) } unless @$lines;
	my @failed = grep { $_->{status} ne 'ok' } @$lines;
	return undef unless @failed;
	my $why = $failed[0]{reason};
	$why .= sprintf(' (in %d of %d rounds)', scalar @failed, scalar @$lines)
		if @failed < @$lines;
	return { status => 'failed', reason => $why };
}

# One side of one bench over all rounds: the runs, or why there are none.
sub side_result {
	my ($name, $side) = @_;
	my @lines = @{$result{$name}{$side} // []};
	my $failure = failure(\@lines, $side);
	return $failure if $failure;
	my %iters = map { $_->{iterations} => 1 } @lines;
	push @odd, "$name: $side ran different iteration counts in different rounds"
		if keys %iters > 1;
	my @runs = map { @{$_->{cycles_per_op}} } @lines;
	my @ns = map { @{$_->{ns_per_op} // []} } @lines;
	return {
		status => 'ok',
		median => median(@runs),
		runs => [map { 0 + $_ } @runs],
		@ns ? (ns_median => median(@ns), ns_runs => [map { 0 + $_ } @ns]) : (),
		iterations => 0 + $lines[0]{iterations},
		op => $lines[0]{op} // 'iteration',
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
			$b{op} = $r->{op};
			if (defined $r->{ns_median}) {
				$b{"${side}_ns_per_op"} = 0 + sprintf('%.0f', $r->{ns_median});
				$b{"${side}_runs_ns_per_op"} = $r->{ns_runs};
			}
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
	($b{relative_to}) = grep { defined } map { $_->{relative_to} }
		map { @{$result{$name}{$_} // []} } @sides;
	delete $b{relative_to} unless defined $b{relative_to};
	push @benchmarks, \%b;
}

# A bench measured against another (a hypercall against pio_exit): the
# ratio of the medians, on each side, of that side's own two figures.
my %by_name = map { $_->{name} => $_ } @benchmarks;
for my $b (grep { $_->{relative_to} } @benchmarks) {
	my $ref = $by_name{$b->{relative_to}};
	for my $side (@sides) {
		my ($x, $y) = ($b->{"${side}_cycles_per_op"}, $ref && $ref->{"${side}_cycles_per_op"});
		$b->{"${side}_ratio_to_$b->{relative_to}"} =
			defined $x && $y ? 0 + sprintf('%.3f', $x / $y) : undef;
	}
}

# ---- pv_bench: pvguest under hospes run, compute natively ---------------

# One side of a pv bench over all rounds: its runs and their medians.
my @pv_keys = qw(elapsed_ns wall_ns writes exits exits_to_user io_exits
		 hypercall_exits intr_exits);
sub pv_side {
	my ($name, $side) = @_;
	my @lines = @{$pv{$name}{$side} // []};
	my $failure = failure(\@lines, $side, 'pv_bench');
	return $failure if $failure;
	my (%runs, %med);
	for my $key (@pv_keys) {
		my @v = map { 0 + $_ } map { @{$_->{$key} // []} } @lines;
		next unless @v;
		$runs{$key} = \@v;
		$med{$key} = median(@v);
	}
	for my $param (qw(bytes iterations)) {
		my %p = map { $_->{$param} // '' => 1 } @lines;
		push @odd, "$name: $side ran with different $param in different rounds"
			if keys %p > 1;
	}
	return {
		status => 'ok', runs => \%runs, median => \%med,
		repeats => scalar @{$runs{wall_ns} // []},
		bytes => $lines[0]{bytes}, iterations => $lines[0]{iterations},
		what => $lines[0]{what}, note => $lines[-1]{note} // '',
	};
}

sub round_to {
	my ($decimals, $v) = @_;
	return defined $v ? 0 + sprintf("%.${decimals}f", $v) : undef;
}

my %pv_reasons;		# "side (pv_bench)" => { reason => [benches] }
sub pv_failed {
	my ($r, $side, $name) = @_;
	push @{$pv_reasons{"$side (pv_bench)"}{$r->{reason}}}, $name;
	$all_ok = 0;
	return { status => 'failed', reason => $r->{reason} };
}

my %pv_out = (
	unit => 'time: ns by the program\'s own clock around the work alone (the PV '
		. 'guest clock in pvguest, CLOCK_MONOTONIC natively); wall_ns: the whole '
		. 'process; exits: hospes run --stats, net of the boot run of the same '
		. 'round; medians of the runs of all rounds',
);

my $boot = pv_side('boot', 'hospes');
$pv_out{boot} = $boot->{status} ne 'ok' ? pv_failed($boot, 'hospes', 'boot') : {
	status => 'ok', what => $boot->{what},
	wall_ns => round_to(0, $boot->{median}{wall_ns}),
	exits => round_to(0, $boot->{median}{exits}),
	runs_wall_ns => $boot->{runs}{wall_ns},
};

my %console;
for my $via (qw(pv uart)) {
	my $r = pv_side("console_$via", 'hospes');
	if ($r->{status} ne 'ok') {
		$console{$via} = pv_failed($r, 'hospes', "console_$via");
		next;
	}
	my ($m, $kib) = ($r->{median}, $r->{bytes} / 1024);
	$console{bytes} = $r->{bytes};
	$console{$via} = {
		status => 'ok', what => $r->{what}, repeats => $r->{repeats},
		writes => round_to(0, $m->{writes}),
		elapsed_ns => round_to(0, $m->{elapsed_ns}),
		ns_per_kib => round_to(1, $m->{elapsed_ns} / $kib),
		exits_per_kib => round_to(2, $m->{exits} / $kib),
		exits_to_user_per_kib => round_to(2, $m->{exits_to_user} / $kib),
		exits => round_to(0, $m->{exits}),
		io_exits => round_to(0, $m->{io_exits}),
		hypercall_exits => round_to(0, $m->{hypercall_exits}),
		runs_elapsed_ns => $r->{runs}{elapsed_ns},
		runs_exits => $r->{runs}{exits},
		note => $r->{note},
	};
}
if ($console{pv}{status} eq 'ok' && $console{uart}{status} eq 'ok') {
	my ($p, $u) = ($console{pv}, $console{uart});
	$console{uart_over_pv_time} = round_to(1, $u->{elapsed_ns} / $p->{elapsed_ns})
		if $p->{elapsed_ns};
	$console{uart_over_pv_exits} = round_to(1, $u->{exits} / $p->{exits})
		if $p->{exits} > 0;
}
$pv_out{console} = \%console;

my %compute;
my %c = map { $_ => pv_side('compute', $_) } @pv_sides;
for my $side (@pv_sides) {
	my $r = $c{$side};
	if ($r->{status} ne 'ok') {
		$compute{$side} = pv_failed($r, $side, 'compute');
		next;
	}
	$compute{what} = $r->{what};
	$compute{iterations} = 0 + $r->{iterations};
	$compute{$side} = {
		status => 'ok', repeats => $r->{repeats},
		elapsed_ns => round_to(0, $r->{median}{elapsed_ns}),
		wall_ns => round_to(0, $r->{median}{wall_ns}),
		runs_elapsed_ns => $r->{runs}{elapsed_ns},
		runs_wall_ns => $r->{runs}{wall_ns},
		note => $r->{note},
	};
	$compute{$side}{exits} = round_to(0, $r->{median}{exits}) if $side eq 'hospes';
}
# The overhead from pairs of runs: pv_bench runs compute natively and then
# in the guest, back to back, in every repeat, so a slow spell of the test
# host tends to hit both of a pair. The median of the pairs' ratios is
# steadier than the ratio of the two medians, whose runs may come from
# different spells. The runs pair up in the order pv_bench printed them.
if ($compute{hospes}{status} eq 'ok' && $compute{native}{status} eq 'ok') {
	my ($g, $n) = ($c{hospes}{runs}, $c{native}{runs});
	my @pairs = 0 .. $#{$g->{elapsed_ns}};
	if (@{$g->{elapsed_ns}} != @{$n->{elapsed_ns}}) {
		push @odd, 'compute: the guest and native runs do not pair up';
	} else {
		$compute{pairs} = scalar @pairs;
		$compute{overhead_pct} = round_to(2, 100 *
			(median(map { $g->{elapsed_ns}[$_] / $n->{elapsed_ns}[$_] } @pairs) - 1));
		$compute{overhead_pct_of_medians} = round_to(2, 100 *
			($compute{hospes}{elapsed_ns} / $compute{native}{elapsed_ns} - 1));
	}
	# The same from the host's side, no guest clock in it: each whole
	# hospes run less its repeat's boot run, against the native sieve.
	my $b = $boot->{runs}{wall_ns};
	$compute{overhead_pct_by_wall_time} = round_to(2, 100 *
		(median(map { ($g->{wall_ns}[$_] - $b->[$_]) / $n->{elapsed_ns}[$_] } @pairs) - 1))
		if $boot->{status} eq 'ok' && $b && @$b == @pairs && defined $compute{pairs};
}
$pv_out{compute} = \%compute;
# ---- linux_bench: a Linux guest under hospes run and under QEMU/KVM -----

my %linux_out = (
	unit => 'boot_ms: from the VMM\'s start to the guest\'s "guest: init up" on its '
		. 'console, host CLOCK_MONOTONIC; exits_per_s: the VM\'s exits between the '
		. 'guest\'s idle marks over the seconds between them; medians of the runs '
		. 'of all rounds; ratio: hospes median over kvm median',
);
my %linux_reasons;	# "side (linux_bench)" => { reason => [benches] }
# One pair of rows per vCPU count: boot, idle_exits; boot_2cpu, idle_exits_2cpu...
my @linux_sets = sort { length $a <=> length $b || $a cmp $b }
	uniq(map { /^(?:boot|idle_exits)(.*)$/ ? $1 : () } keys %linux);
for my $name (map { ("boot$_", "idle_exits$_") } @linux_sets) {
	my %row;
	for my $side (@sides) {
		my @lines = @{$linux{$name}{$side} // []};
		my $failure = failure(\@lines, $side, 'linux_bench');
		if ($failure) {
			$row{$side} = $failure;
			push @{$linux_reasons{"$side (linux_bench)"}{$failure->{reason}}}, $name;
			$all_ok = 0;
			next;
		}
		$row{what} //= $lines[0]{what};
		my $key = $name =~ /^boot/ ? 'boot_ms' : 'exits_per_s';
		my @runs = map { 0 + $_ } map { @{$_->{$key}} } @lines;
		my %r = (status => 'ok', repeats => scalar @runs,
			 $key => round_to(1, median(@runs)), "runs_$key" => \@runs,
			 what => $lines[0]{what});
		if ($name =~ /^boot/) {
			$r{$_} = $lines[0]{$_} for qw(mib cpus);
			my @e = map { 0 + $_ } map { @{$_->{exits} // []} } @lines;
			@r{qw(exits_to_init runs_exits_to_init)} = (round_to(0, median(@e)), \@e) if @e;
		} else {
			$r{idle_s} = $lines[0]{idle_s};
			# The exits by kind, medians, and the guest's timer.
			for my $k (qw(exits intr hlt io mmio)) {
				my @v = map { @{$_->{$k} // []} } @lines;
				$r{"${k}_in_idle"} = round_to(0, median(@v)) if @v;
			}
			$r{timer} = [uniq(map { $_->{timer} // 'unknown' } @lines)];
		}
		$row{$side} = \%r;
	}
	delete $row{what};
	my $key = $name =~ /^boot/ ? 'boot_ms' : 'exits_per_s';
	$row{ratio_hospes_over_kvm} = round_to(3, $row{hospes}{$key} / $row{kvm}{$key})
		if $row{hospes}{status} eq 'ok' && $row{kvm}{status} eq 'ok' && $row{kvm}{$key};
	$linux_out{$name} = \%row;
}

# ---- migrate_bench: pvguest migrated live on loopback, hospes alone ------

# Xen's often quoted final pause for live migration, 60 to 300 ms
# (Clark et al., NSDI 2005): context only, from other hardware and guests.
my @xen_ms = (60, 300);
my @mig_keys = qw(total_ms sent_mib rounds bandwidth_mib_s downtime_ms dirty_mib_s);
my @migration;
my %mig_reasons;
for my $name (@mig_order) {
	my @lines = @{$mig{$name}};
	my $failure = failure(\@lines, 'hospes', 'migrate_bench');
	if ($failure) {
		push @migration, { name => $name, what => $lines[0]{what}, %$failure };
		push @{$mig_reasons{'hospes (migrate_bench)'}{$failure->{reason}}}, $name;
		$all_ok = 0;
		next;
	}
	my %m = (name => $name, status => 'ok', what => $lines[0]{what},
		 memory => $lines[0]{memory}, rate_mib_s => $lines[0]{rate_mib_s},
		 max_rounds => $lines[0]{max_rounds});
	for my $k (@mig_keys) {
		my @v = map { 0 + $_ } map { @{$_->{$k}} } @lines;
		$m{$k} = round_to(1, median(@v));
		$m{"runs_$k"} = \@v;
	}
	$m{repeats} = scalar @{$m{runs_total_ms}};
	# How many runs the guest quiesced itself in (PV SUSPEND) before the pause.
	$m{guest_suspended_runs} = scalar grep { $_ } map { @{$_->{guest_suspended} // []} } @lines;
	$m{downtime_over_xen_ms} = { map { $_ => round_to(3, $m{downtime_ms} / $_) } @xen_ms };
	push @migration, \%m;
}
my %migration_out = (
	unit => 'ms and MiB as `hospes migrate` reports them (downtime: measured by the '
		. 'target, source pause to target resume); dirty_mib_s: the rate memtouch '
		. 'kept up at the source, from its own last line; medians of the runs '
		. 'of all rounds',
	conditions => 'source and target hospes in the same test host (QEMU TCG, '
		. 'emulated SVM), over loopback; no peer VMM there to compare with, so '
		. 'these are absolute figures under TCG: far slower than hardware',
	xen_final_pause_ms => \@xen_ms,
	loads => \@migration,
);

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
	pv_guest => \%pv_out,
	linux_guest => \%linux_out,
	migration => \%migration_out,
	notes => \@odd,
	log => "$dir/tap.log",
);
open(my $f, '>', $output) or die "report.pl: $output: $!\n";
print $f JSON::PP->new->pretty->canonical->encode(\%out);
close($f) or die "report.pl: $output: $!\n";

# The table, after the JSON so that no number there was turned into a string.
my $fmt = "%-17s %14s %14s %11s %7s %5s\n";
printf "bench on %s (%s), %s\n", $out{kernel}, $out{cpu_model}, $out{test_host};
printf $fmt, 'benchmark', 'hospes cyc/op', 'kvm cyc/op', 'hospes/kvm', 'iters', 'reps';
# The rows per page or per GiB (the dirty log) get a table of their own.
my @per_unit = grep { ($_->{op} // 'iteration') ne 'iteration' } @benchmarks;
for my $b (grep { ($_->{op} // 'iteration') eq 'iteration' } @benchmarks) {
	printf $fmt, $b->{name},
		map({ defined $b->{"${_}_cycles_per_op"} ?
		      sprintf('%.1f', $b->{"${_}_cycles_per_op"}) : 'failed' } @sides),
		defined $b->{ratio_hospes_over_kvm} ? sprintf('%.3f', $b->{ratio_hospes_over_kvm}) : '-',
		$b->{iterations} // '-', $b->{repeats} // '-';
}
# Each side's own ratio: what the bench costs there next to the other.
for my $ref (uniq(map { $_->{relative_to} // () } @benchmarks)) {
	printf "%-17s %14s %14s\n", "ratio to $ref", @sides;
	for my $b (grep { ($_->{relative_to} // '') eq $ref } @benchmarks) {
		printf "%-17s %14s %14s\n", $b->{name},
			map({ my $v = $b->{"${_}_ratio_to_$ref"};
			      defined $v ? sprintf('%.3f', $v) : '-' } @sides);
	}
}

if (@per_unit) {
	my $dfmt = "%-17s %14s %14s %11s %7s %5s\n";
	printf "\ndirty log, a %d MiB slot (fetch and re-arm given per GiB): medians\n",
		$per_unit[0]{iterations} * 4096 / (1 << 20);
	printf $dfmt, 'benchmark', 'hospes', 'kvm', 'hospes/kvm', 'unit', 'reps';
	for my $b (@per_unit) {
		my $gib = $b->{op} eq 'GiB';
		printf $dfmt, $b->{name},
			map({ my $c = $b->{"${_}_cycles_per_op"};
			      my $n = $b->{"${_}_ns_per_op"};
			      !defined $c ? 'failed' : $gib && defined $n ?
			      sprintf('%.2f', $n / 1e6) : sprintf('%.0f', $c) } @sides),
			defined $b->{ratio_hospes_over_kvm} ?
			sprintf('%.3f', $b->{ratio_hospes_over_kvm}) : '-',
			$gib ? 'ms/GiB' : 'cyc/page', $b->{repeats} // '-';
	}
}

sub ms { my ($ns) = @_; return defined $ns ? sprintf('%.1f ms', $ns / 1e6) : '-' }
print "\npvguest under hospes run, on hospes alone: medians of the runs\n";
if ($console{bytes}) {
	my $pfmt = "%-17s %14s %14s %11s %7s\n";
	printf $pfmt, sprintf('console %gK', $console{bytes} / 1024), 'guest ns/KiB',
		'exits/KiB', 'to user/KiB', 'writes';
	for my $via (qw(pv uart)) {
		my $r = $console{$via};
		printf $pfmt, "console_$via", $r->{status} eq 'ok' ?
			(sprintf('%.1f', $r->{ns_per_kib}), sprintf('%.2f', $r->{exits_per_kib}),
			 sprintf('%.2f', $r->{exits_to_user_per_kib}), $r->{writes}) :
			('failed', '-', '-', '-');
	}
	printf "  uart/pv: %sx the time, %sx the exits\n",
		$console{uart_over_pv_time} // '-', $console{uart_over_pv_exits} // '-'
		if defined $console{uart_over_pv_time};
}
if (defined $compute{iterations}) {
	printf "compute, %d iterations: hospes %s (guest clock), native %s\n",
		$compute{iterations},
		map({ $compute{$_}{status} eq 'ok' ? ms($compute{$_}{elapsed_ns}) : 'failed' } @pv_sides);
	printf "  overhead %+.2f%% (median of %d pairs); by wall time, boot run subtracted: %s\n",
		$compute{overhead_pct}, $compute{pairs},
		defined $compute{overhead_pct_by_wall_time} ?
		sprintf('%+.2f%%', $compute{overhead_pct_by_wall_time}) : '-'
		if defined $compute{overhead_pct};
}
printf "boot: one hospes run of pvguest, conbench bytes=0: %s wall, %d exits\n",
	ms($pv_out{boot}{wall_ns}), $pv_out{boot}{exits}
	if $pv_out{boot}{status} eq 'ok';

for my $set (@linux_sets) {
	my ($lb, $li) = @linux_out{"boot$set", "idle_exits$set"};
	next unless grep { $_->{status} eq 'ok' } map { $lb->{$_}, $li->{$_} } @sides;
	my ($ok) = grep { $_->{status} eq 'ok' } map { $lb->{$_} } @sides;
	printf "\nLinux guest%s: hospes run --kernel vs QEMU -accel kvm, medians\n",
		$ok ? sprintf(', %d MiB, %d vCPU', $ok->{mib}, $ok->{cpus}) : '';
	my $lfmt = "%-17s %14s %14s %11s %7s\n";
	printf $lfmt, '', 'hospes', 'kvm', 'hospes/kvm', 'runs';
	for my $row ([$lb, 'boot to init', 'boot_ms', ' ms'],
		     [$li, 'idle exits/s', 'exits_per_s', '']) {
		my ($r, $label, $key, $unit) = @$row;
		printf $lfmt, $label,
			map({ $r->{$_}{status} eq 'ok' ? sprintf('%.1f%s', $r->{$_}{$key}, $unit) :
			      'failed' } @sides),
			defined $r->{ratio_hospes_over_kvm} ?
			sprintf('%.3f', $r->{ratio_hospes_over_kvm}) : '-',
			join('/', map { $r->{$_}{repeats} // '-' } @sides);
	}
	printf $lfmt, 'exits to init', map({ $lb->{$_}{status} eq 'ok' &&
		defined $lb->{$_}{exits_to_init} ? $lb->{$_}{exits_to_init} : '-' } @sides), '', ''
		if grep { defined $lb->{$_}{exits_to_init} } @sides;
	printf "  guest timer, %s: %s\n", $_, join('; ', @{$li->{$_}{timer}})
		for grep { $li->{$_}{status} eq 'ok' } @sides;
}
if (@migration) {
	print "\nlive migration of pvguest on loopback, hospes alone: absolute, under TCG (no peer): medians\n";
	my $mfmt = "%-13s %9s %9s %9s %6s %8s %9s %13s %4s\n";
	printf $mfmt, 'load', 'downtime', 'total', 'sent MiB', 'rounds', 'MiB/s',
		'dirty/s', 'down/Xen60|300', 'reps';
	for my $m (@migration) {
		if ($m->{status} ne 'ok') {
			printf "%-13s failed\n", $m->{name};
			next;
		}
		printf $mfmt, $m->{name}, sprintf('%.1f ms', $m->{downtime_ms}),
			sprintf('%.0f ms', $m->{total_ms}), sprintf('%.1f', $m->{sent_mib}),
			$m->{rounds}, sprintf('%.1f', $m->{bandwidth_mib_s}),
			sprintf('%.1f', $m->{dirty_mib_s}),
			sprintf('%.2f|%.2f', map { $m->{downtime_over_xen_ms}{$_} } @xen_ms),
			$m->{repeats};
	}
}

for my $side (@sides) {
	for my $why (sort keys %{$reasons{$side} // {}}) {
		my @which = @{$reasons{$side}{$why}};
		my $all = @which == @order || $which[0] eq 'all';
		printf "%s: failed (%s)%s\n", $side, $why,
			$all ? '' : ' in ' . join(', ', @which);
	}
}
for my $r (\%pv_reasons, \%linux_reasons, \%mig_reasons) {
	for my $who (sort keys %$r) {
		for my $why (sort keys %{$r->{$who}}) {
			printf "%s: failed (%s) in %s\n", $who, $why,
				join(', ', @{$r->{$who}{$why}});
		}
	}
}
print "note: $_\n" for @odd;
print "written: $output\n";
exit($all_ok ? 0 : 1);
