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
#  plain the same with a second memtouch guest, without --verify (which
#        adds the hashing of all RAM on both sides to the downtime);
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
memtouch="memtouch mib=32 rate_mib_s=2 seconds=60"
counter="counter period_ms=100 count=150"
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

# Bounds are in seconds of the clock, not in tries: a loaded machine makes
# each try slow. deadline SECONDS sets $end; expired says if it is past.
deadline() {
	local up rest
	read -r up rest </proc/uptime
	end=$((${up%.*} + $1))
}

expired() {
	local up rest
	read -r up rest </proc/uptime
	[ "${up%.*}" -ge "$end" ]
}

# wait_for FILE FROM STRING SECONDS: STRING in FILE past byte FROM in time.
wait_for() {
	local end
	deadline "$4"
	until tail -c +$(($2 + 1)) "$1" 2>/dev/null | grep -qF -- "$3"; do
		expired && return 1
		usleep 200000
	done
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
	local end
	deadline "$2"
	while alive "$1"; do
		if expired; then
			kill -KILL "$1"
			wait "$1" 2>/dev/null
			status=killed
			return 1
		fi
		usleep 200000
	done
	wait "$1"
	status=$?
	[ "$status" = 0 ]
}

# show NAME FILE: a log as TAP comments.
show() {
	[ -e "$2" ] || return
	echo "# --- $1"
	sed 's/^/#   /' "$2"
}

# Target: tell the source that STEP is ready (within 180 s).
announce() {
	echo "ready $1" | timeout 180 nc -l -p $ctl_port >/dev/null
}

# Source: wait (up to 180 s) until the target says STEP is ready.
await() {
	local end
	deadline 180
	until [ "$(timeout 5 nc "$peer" $ctl_port </dev/null 2>/dev/null)" = "ready $1" ]; do
		expired && return 1
		usleep 500000
	done
}

# eth0 on the wire, and the peer answering (it may boot later).
net_up() {
	local end
	modprobe virtio_pci && modprobe virtio_net || return 1
	deadline 10
	while [ ! -e /sys/class/net/eth0 ]; do
		expired && return 1
		usleep 200000
	done
	ip addr add "$self/24" dev eth0 && ip link set eth0 up || return 1
	deadline 120
	until ping -c 1 -W 1 "$peer" >/dev/null 2>&1; do
		expired && return 1
		sleep 1
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

# Target: guest NAME arriving for STEP on PORT, $pid its hospes; then it
# must print STRING here.
arrive() {
	if ! incoming "$1" "$2" "$3"; then
		result 1 "$1: the target listens and the source connects"
		return 1
	fi
	wait_for "$logs/$1.log" 0 "migration complete: downtime" 240
	result $? "$1: the guest runs here: $(grep -m1 'migration complete' "$logs/$1.log")" ||
		return 1
	wait_for "$logs/$1.log" 0 "$4" 30
	result $? "$1: the guest goes on here: $4"
}

# Target: the memtouch of STEP (hospes PID) ends with its page checks passed.
memtouch_ends() {
	wait_for "$logs/$1.log" 0 "errors=0: PASS" 120
	result $? "$1: memtouch ends here with every page check passed"
	finish "$2" 60
	result $? "$1: the guest ends here with status 0 (status $status)"
}

dst() {
	local live='' plain=''
	# cut: killed once 16 MiB of the stream are in.
	if incoming cut 4444 cut; then
		local end got=0
		deadline 120
		while alive $pid && ! expired && [ "$got" -lt $((16 << 20)) ]; do
			got=$(sed -n 's/^rchar: //p' "/proc/$pid/io")
			usleep 200000
		done
		kill -KILL $pid 2>/dev/null
		wait $pid 2>/dev/null
		! grep -q "migration complete" "$logs/cut.log" && [ "$got" -ge $((16 << 20)) ]
		result $? "cut: the target is killed mid-stream, after $((got >> 20)) MiB"
	else
		result 1 "cut: the target listens and the source connects"
	fi
	show "target: cut" "$logs/cut.log"

	if arrive live 4445 vm "memtouch: t="; then
		live=$pid
		echo "# xhost-ram-hash dst $(sed -n "s/.*guest RAM hash \([0-9a-f]*\), as at the source's pause.*/\1/p" \
			"$logs/live.log")"
		grep -q "guest RAM hash [0-9a-f]*, as at the source's pause" "$logs/live.log"
		result $? "live: guest RAM here hashes as at the source's pause"
	fi
	arrive plain 4446 vm2 "memtouch: t=" && plain=$pid
	if arrive count 4447 ct "counter: resumed after restore (SUSPEND returned 1)"; then
		wait_for "$logs/count.log" 0 "counter 149 t=" 120
		result $? "count: the counter counts on here to its last number"
		echo "# xhost-counter dst-first $(sed -n 's/^counter \([0-9]*\) t=.*/\1/p' \
			"$logs/count.log" | head -n 1)"
		finish $pid 60
		result $? "count: the guest ends here with status 0 (status $status)"
	fi
	show "target: count" "$logs/count.log"
	[ -n "$live" ] && memtouch_ends live $live
	show "target: live" "$logs/live.log"
	[ -n "$plain" ] && memtouch_ends plain $plain
	show "target: plain" "$logs/plain.log"
}

# Source: start guest NAME with MEMORY and CMDLINE, $vm its hospes; it
# must print STRING within a minute.
guest() {
	hospes run --name "$1" --memory "$2" --cmdline "$3" $guest \
		>"$logs/$1.log" 2>&1 &
	vm=$!
	wait_for "$logs/$1.log" 0 "$4" 60
	result $? "$1: a $2 guest runs here: $3"
}

# Source: migrate the guest NAME (hospes $vm) for STEP to PORT, with OPTION
# if any; its hospes here must then end, status 0.
send() {
	local rc line
	if ! await "$1"; then
		result 1 "$1: the target announces itself"
		finish $vm 120
		return 1
	fi
	hospes migrate $4 "$3" "tcp:$peer:$2" >"$logs/$1.log" 2>&1
	rc=$?
	line=$(grep -m1 '^migrated in' "$logs/$1.log")
	result $rc "$1: migrate${4:+ $4}: ${line:-status $rc: $(tail -n 1 "$logs/$1.log")}"
	echo "# xhost-report $1: $line"
	if [ $rc != 0 ]; then
		finish $vm 120
		return 1
	fi
	finish $vm 30
	result $? "$1: hospes here ends with status 0 once the target runs the guest (status $status)"
}

src() {
	local vm rc mark
	# cut
	guest vm 256M "$memtouch" "memtouch: t=1s"
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

	if send live 4445 vm --verify; then
		echo "# xhost-ram-hash src $(sed -n 's/.*guest RAM hash at the pause: \([0-9a-f]*\).*/\1/p' \
			"$logs/live.log")"
		grep -q "guest RAM hash at the pause: [0-9a-f]" "$logs/live.log"
		result $? "live: the source reports the RAM hash at its pause"
	fi

	guest vm2 256M "$memtouch" "memtouch: t=1s"
	send plain 4446 vm2

	guest ct 64M "$counter" "counter 10 t="
	if send count 4447 ct; then
		grep -q "counter: suspend requested" "$logs/ct.log"
		result $? "count: the counter was asked to suspend here"
		echo "# xhost-counter src-last $(sed -n 's/^counter \([0-9]*\) t=.*/\1/p' \
			"$logs/ct.log" | tail -n 1)"
	fi
	for log in vm cut live vm2 plain ct count; do
		show "source: $log" "$logs/$log.log"
	done
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
