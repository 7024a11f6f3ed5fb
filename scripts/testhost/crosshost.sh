#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Live migration between two test hosts: two QEMU processes, each a test
# host as run.sh boots it, joined by one virtual Ethernet wire: QEMU's
# -netdev socket (the target's QEMU listens on a TCP port of loopback, the
# source's connects) behind a virtio-net NIC on each side. In them,
# scripts/testhost/xhost.sh migrates guests from the source (10.99.0.1,
# hospes.mode=xhost-src) to the target (10.99.0.2, xhost-dst); then
# scripts/testhost/judge-xhost.sh judges the pair.
#
#   crosshost.sh [--label NAME] [--timeout SECONDS]
#
# Logs: build/testhost/NAME-src/ and NAME-dst/ (NAME defaults to xhost), as
# run.sh leaves them. Prints the judge's lines, the last "NAME: N passed, N
# failed, N skipped"; exits 1 if anything failed.
#
# The wire's port is picked at random and tried again if taken, so that
# runs from other trees on the machine do not meet. Each QEMU has the
# timeout; once one test host has ended, the other has 300 s more before
# it is stopped too, or none if the first one failed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
label=xhost
timeout=600
grace=300
while [ $# -gt 0 ]; do
	case "$1" in
	--label) label=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	*) echo "usage: crosshost.sh [--label NAME] [--timeout SECONDS]" >&2; exit 2 ;;
	esac
done

out=$top/build/testhost
initramfs=$out/$label.cpio.gz
mkdir -p "$out"
# One initramfs for both. The xhost modes run no selftest: naming one keeps
# out the others and the Linux guest of linux_test.
"$top/scripts/testhost/mkinitramfs.sh" --selftests migrate_test "$initramfs" || exit 2

declare -A pid
# Stop a test host: run.sh, timeout and QEMU are one process group.
stop() {
	local _
	kill -TERM -- "-${pid[$1]}" 2>/dev/null
	for _ in $(seq 10); do
		kill -0 "${pid[$1]}" 2>/dev/null || break
		sleep 0.5
	done
	kill -KILL -- "-${pid[$1]}" 2>/dev/null
	wait "${pid[$1]}" 2>/dev/null
}
stop_all() {
	local r
	for r in "${!pid[@]}"; do
		stop "$r"
	done
}
trap stop_all EXIT

# Boot ROLE (src or dst) with its end of the wire (-netdev socket options).
boot() {
	local role=$1 ip=10.99.0.1 peer=10.99.0.2 mac=52:54:00:99:00:01
	if [ "$role" = dst ]; then
		ip=10.99.0.2 peer=10.99.0.1 mac=52:54:00:99:00:02
	fi
	rm -rf "$out/$label-$role"
	setsid "$top/scripts/testhost/run.sh" --label "$label-$role" \
		--timeout "$timeout" --initramfs "$initramfs" \
		--append "hospes.ip=$ip hospes.peer=$peer" \
		--qemu "-netdev socket,id=wire,$2 -device virtio-net-pci,netdev=wire,mac=$mac -pidfile $out/$label-$role/qemu.pid" \
		"xhost-$role" &
	pid[$role]=$!
}

# Is a socket of process $2 listening on TCP port $1 of loopback?
listening() {
	local inode
	for inode in $(awk -v port="$(printf ':%04X' "$1")" \
		'substr($2, length($2) - 4) == port && $4 == "0A" { print $10 }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null); do
		[ -n "$(find "/proc/$2/fd" -lname "socket:\[$inode\]" 2>/dev/null)" ] &&
			return 0
	done
	return 1
}

# The target first, listening; a port someone else took fails its QEMU at
# once: then another port.
port=
for _ in 1 2 3 4 5; do
	p=$((20000 + (RANDOM * 32768 + RANDOM + $$) % 40000))
	boot dst "listen=127.0.0.1:$p"
	for _ in $(seq 600); do
		qpid=$(cat "$out/$label-dst/qemu.pid" 2>/dev/null)
		[ -n "$qpid" ] && listening "$p" "$qpid" && { port=$p; break; }
		kill -0 "${pid[dst]}" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] && break
	stop dst
	unset 'pid[dst]'
	if ! grep -q 'in use' "$out/$label-dst/qemu.log" 2>/dev/null; then
		echo "crosshost: the target's QEMU did not listen on port $p:" >&2
		cat "$out/$label-dst/qemu.log" >&2
		break
	fi
done
if [ -z "$port" ]; then
	echo "FAIL $label: no port for the wire"
	echo "$label: 0 passed, 1 failed, 0 skipped"
	exit 1
fi
boot src "connect=127.0.0.1:$port"
echo "crosshost: the wire is 127.0.0.1:$port; logs in build/testhost/$label-{src,dst}"

# Both run. Once one has ended, the other has the grace period to finish
# its own checks; none if the first failed (QEMU's status not 0: it
# crashed or timed out).
while kill -0 "${pid[src]}" 2>/dev/null && kill -0 "${pid[dst]}" 2>/dev/null; do
	sleep 1
done
for role in src dst; do
	kill -0 "${pid[$role]}" 2>/dev/null && continue
	[ "$(cat "$out/$label-$role/qemu.rc" 2>/dev/null)" = 0 ] || grace=0
done
for _ in $(seq "$grace"); do
	kill -0 "${pid[src]}" 2>/dev/null || kill -0 "${pid[dst]}" 2>/dev/null || break
	sleep 1
done
for role in src dst; do
	if kill -0 "${pid[$role]}" 2>/dev/null; then
		if [ "$grace" = 0 ]; then
			echo "crosshost: the $role test host's peer failed: stopping it" >&2
		else
			echo "crosshost: the $role test host still ran $grace s after its peer ended: stopping it" >&2
		fi
		stop "$role"
		echo "stopped" >"$out/$label-$role/qemu.rc"
	fi
	wait "${pid[$role]}" 2>/dev/null
	unset "pid[$role]"
done
trap - EXIT

"$top/scripts/testhost/judge-xhost.sh" --label "$label" "$out/$label-src" "$out/$label-dst"
