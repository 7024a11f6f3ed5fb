#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# One side of a live migration between two test hosts: what the test host's
# init runs for hospes.mode=xhost-src and xhost-dst, in the pair that
# scripts/testhost/crosshost.sh boots on one virtual wire.
#
#   xhost.sh src|dst
#
# hospes.ip= and hospes.peer= on the kernel command line are this host's
# address on eth0 and the other's. The source runs the guests and migrates
# them to the target:
#
#  cut   memtouch (a 256 MiB guest dirtying memory at a set rate) towards a
#        target that is killed mid-stream: the migration fails, the guest
#        runs on at the source;
#  live  the same guest again, with --verify: the migration's report, the
#        RAM hash at the source's pause and at the target before it
#        resumes, the source's hospes ending 0, memtouch going on at the
#        target with all its page checks passing, ending 0;
#  count counter, whose numbers must go on at the target without a gap.
#
# For each step the target starts its `hospes run --incoming`, then says
# "ready STEP" to the source on a control port (busybox nc), so the source
# never connects to a target that is not there. Every wait is bounded.
# Prints a TAP line per check, the logs as comments, and "# xhost-*" facts
# that scripts/testhost/judge-xhost.sh compares across the two sides.
# Exit status: the number of failed checks.

role=$1
arg() {
	sed -n "s/.*hospes\.$1=\([^ ]*\).*/\1/p" /proc/cmdline
}
self=$(arg ip)
peer=$(arg peer)
ctl_port=4400		# "ready STEP" from the target
guest=/hospes/pvguest.elf
memtouch="memtouch mib=64 rate_mib_s=4 seconds=45"
counter="counter period_ms=100 count=300"
export HOSPES_RUNTIME_DIR=/tmp/hospes
logs=/tmp/xhost
mkdir -p "$logs"

tests=0
failures=0
# result STATUS DESCRIPTION: a TAP line, ok for status 0.
result() {
	tests=$((tests + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tests - $2"
	else
		failures=$((failures + 1))
		echo "not ok $tests - $2"
	fi
}

# wait_for FILE FROM STRING SECONDS: STRING in FILE past byte FROM in time.
wait_for() {
	local i=0
	while [ $i -lt $(($4 * 5)) ]; do
		tail -c +$(($2 + 1)) "$1" 2>/dev/null | grep -qF -- "$3" && return 0
		usleep 200000
		i=$((i + 1))
	done
	return 1
}

size() {
	wc -c <"$1"
}

# A child that exited but was not waited for is a zombie: not alive.
alive() {
	[ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat")" != Z ]
}

# finish PID SECONDS: its exit status in $status, or "killed" after SECONDS.
finish() {
	local i=0
	while alive "$1"; do
		if [ $i -ge $(($2 * 5)) ]; then
			kill -KILL "$1"
			wait "$1"
			status=killed
			return 1
		fi
		usleep 200000
		i=$((i + 1))
	done
	wait "$1"
	status=$?
	[ "$status" = 0 ]
}

# show NAME FILE: a log as TAP comments.
show() {
	echo "# --- $1"
	sed 's/^/#   /' "$2"
}

# Target: tell the source that STEP is ready (within 180 s).
announce() {
	echo "ready $1" | timeout 180 nc -l -p $ctl_port >/dev/null
}

# Source: wait (up to 180 s) until the target says STEP is ready.
await() {
	local i=0
	while [ $i -lt 360 ]; do
		[ "$(timeout 5 nc "$peer" $ctl_port </dev/null 2>/dev/null)" = "ready $1" ] &&
			return 0
		usleep 500000
		i=$((i + 1))
	done
	return 1
}

# eth0 on the wire, and the peer answering (it may boot later).
net_up() {
	local i=0
	modprobe virtio_pci && modprobe virtio_net || return 1
	while [ ! -e /sys/class/net/eth0 ]; do
		[ $i -ge 50 ] && return 1
		usleep 200000
		i=$((i + 1))
	done
	ip addr add "$self/24" dev eth0 && ip link set eth0 up || return 1
	i=0
	until ping -c 1 -W 1 "$peer" >/dev/null 2>&1; do
		[ $i -ge 120 ] && return 1
		sleep 1
		i=$((i + 1))
	done
	echo "# xhost-net eth0 $self, peer $peer: $(ping -c 3 "$peer" | tail -n 1)"
}

# Target: `hospes run --incoming` for STEP on PORT as NAME; its pid in $pid.
incoming() {
	hospes run --incoming "tcp:0.0.0.0:$2" --name "$3" >"$logs/$1.log" 2>&1 &
	pid=$!
	wait_for "$logs/$1.log" 0 "incoming migration on tcp:" 30 &&
		announce "$1"
}

# Target: the counter's first number here and its end.
dst_count() {
	local from
	if ! incoming count 4446 ct; then
		result 1 "count: the target listens and the source connects"
		return
	fi
	wait_for "$logs/count.log" 0 "migration complete: downtime" 120
	result $? "count: the counter guest arrives"
	from=$(size "$logs/count.log")
	wait_for "$logs/count.log" 0 "counter: resumed after restore (SUSPEND returned 1)" 30
	result $? "count: the counter hears SUSPEND return 1 here"
	wait_for "$logs/count.log" "$from" "counter 299 t=" 120
	result $? "count: the counter counts on here to its last number"
	echo "# xhost-counter dst-first $(sed -n 's/^counter \([0-9]*\) t=.*/\1/p' \
		"$logs/count.log" | head -n 1)"
	finish $pid 60
	result $? "count: the guest ends here with status 0 (status $status)"
	show "target: counter" "$logs/count.log"
}

dst() {
	local live mark
	# cut: killed once 16 MiB of the stream are in.
	if incoming cut 4444 cut; then
		local i=0 got=0
		while alive $pid && [ $i -lt 600 ] && [ "$got" -lt $((16 << 20)) ]; do
			got=$(sed -n 's/^rchar: //p' "/proc/$pid/io")
			usleep 200000
			i=$((i + 1))
		done
		kill -KILL $pid 2>/dev/null
		wait $pid 2>/dev/null
		! grep -q "migration complete" "$logs/cut.log" && [ "$got" -ge $((16 << 20)) ]
		result $? "cut: the target is killed mid-stream, after $((got >> 20)) MiB"
	else
		result 1 "cut: the target listens and the source connects"
	fi

	# live
	if incoming live 4445 vm; then
		live=$pid
		wait_for "$logs/live.log" 0 "migration complete: downtime" 300
		result $? "live: the guest runs here: $(grep -m1 'migration complete' "$logs/live.log")"
		mark=$(size "$logs/live.log")
		echo "# xhost-ram-hash dst $(sed -n "s/.*guest RAM hash \([0-9a-f]*\), as at the source's pause.*/\1/p" \
			"$logs/live.log")"
		grep -q "guest RAM hash [0-9a-f]*, as at the source's pause" "$logs/live.log"
		result $? "live: guest RAM here hashes as at the source's pause"
		wait_for "$logs/live.log" "$mark" "memtouch: t=" 30
		result $? "live: memtouch goes on here"
		dst_count
		wait_for "$logs/live.log" "$mark" "errors=0: PASS" 120
		result $? "live: memtouch ends here with every page check passed"
		finish $live 60
		result $? "live: the guest ends here with status 0 (status $status)"
	else
		result 1 "live: the target listens and the source connects"
	fi
	show "target: cut" "$logs/cut.log"
	show "target: live" "$logs/live.log"
}

src() {
	local vm rc mark line
	# cut
	hospes run --name vm --memory 256M --cmdline "$memtouch" $guest \
		>"$logs/vm.log" 2>&1 &
	vm=$!
	wait_for "$logs/vm.log" 0 "memtouch: t=1s" 60
	result $? "memtouch runs here in a 256 MiB guest ($memtouch)"
	if await cut; then
		hospes migrate vm "tcp:$peer:4444" >"$logs/cut.log" 2>&1
		rc=$?
		[ $rc = 1 ] && [ -s "$logs/cut.log" ]
		result $? "cut: migrate fails when the target dies (status $rc: $(head -n 1 "$logs/cut.log"))"
		mark=$(size "$logs/vm.log")
		wait_for "$logs/vm.log" "$mark" "memtouch: t=" 30 && alive $vm
		result $? "cut: the guest runs on here"
	else
		result 1 "cut: the target announces itself"
	fi

	# live
	if await live; then
		hospes migrate --verify vm "tcp:$peer:4445" >"$logs/live.log" 2>&1
		rc=$?
		line=$(grep -m1 '^migrated in' "$logs/live.log")
		result $rc "live: migrate --verify: ${line:-status $rc}"
		echo "# xhost-report $line"
		echo "# xhost-ram-hash src $(sed -n 's/.*guest RAM hash at the pause: \([0-9a-f]*\).*/\1/p' \
			"$logs/live.log")"
		grep -q "guest RAM hash at the pause: [0-9a-f]" "$logs/live.log"
		result $? "live: the source reports the RAM hash at its pause"
		finish $vm 30
		result $? "live: hospes here ends with status 0 once the target runs the guest (status $status)"
	else
		result 1 "live: the target announces itself"
		finish $vm 120
	fi
	show "source: memtouch" "$logs/vm.log"
	show "source: migrate (cut)" "$logs/cut.log"
	show "source: migrate --verify" "$logs/live.log"

	# count
	hospes run --name ct --memory 64M --cmdline "$counter" $guest \
		>"$logs/ct.log" 2>&1 &
	vm=$!
	wait_for "$logs/ct.log" 0 "counter 10 t=" 60
	result $? "count: the counter runs here"
	if await count; then
		hospes migrate ct "tcp:$peer:4446" >"$logs/count.log" 2>&1
		rc=$?
		result $rc "count: migrate: $(tail -n 1 "$logs/count.log")"
		grep -q "counter: suspend requested" "$logs/ct.log"
		result $? "count: the counter was asked to suspend here"
		echo "# xhost-counter src-last $(sed -n 's/^counter \([0-9]*\) t=.*/\1/p' \
			"$logs/ct.log" | tail -n 1)"
		finish $vm 30
		result $? "count: hospes here ends with status 0 (status $status)"
	else
		result 1 "count: the target announces itself"
		finish $vm 60
	fi
	show "source: counter" "$logs/ct.log"
	show "source: migrate (count)" "$logs/count.log"
}

if net_up; then
	result 0 "eth0 is up as $self and the peer $peer answers"
	case "$role" in
	src) src ;;
	dst) dst ;;
	esac
else
	result 1 "eth0 is up as $self and the peer $peer answers"
	dmesg | tail -n 20 | sed 's/^/# /'
fi
echo "1..$tests"
exit $failures
