#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one test host (QEMU TCG, emulated AMD SVM + NPT) with the built tree
# packed into an initramfs, and run a mode in it.
#
#   run.sh [--cpu MODEL] [--label NAME] [--timeout SECONDS]
#          [--selftests "NAME..."] [--initramfs FILE] [--append ARGS]
#          [--qemu ARGS] MODE
#
# MODE is check (run every selftest, or only those --selftests names) or demo. Logs land in
# build/testhost/NAME/: console.log (kernel log) and tap.log (test output).
# --initramfs boots FILE rather than packing one; --append adds to the kernel
# command line and --qemu adds QEMU options (split at spaces): this is how
# scripts/testhost/crosshost.sh joins two test hosts with a network.
# The exit status is QEMU's, or 124 on a timeout or when the kernel has
# reported a CPU stuck for 100 s (a frozen test host); judging the logs
# is left to scripts/testhost/judge.sh.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cpu=max
label=
timeout=600
selftests=
initramfs=
append=
qemu_args=
while [ $# -gt 0 ]; do
	case "$1" in
	--cpu) cpu=$2; shift 2 ;;
	--label) label=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--selftests) selftests=$2; shift 2 ;;
	--initramfs) initramfs=$2; shift 2 ;;
	--append) append=" $2"; shift 2 ;;
	--qemu) qemu_args=$2; shift 2 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
mode=${1:?usage: run.sh [--cpu MODEL] [--label NAME] [--timeout S] check|demo}
label=${label:-$mode}

kver=${KVER:-$(ls /lib/modules | grep -- '-amd64$' | sort -V | tail -n 1)}
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "run.sh: $kernel missing: run make deps" >&2; exit 2; }
command -v qemu-system-x86_64 >/dev/null ||
	{ echo "run.sh: qemu-system-x86_64 missing: run make deps" >&2; exit 2; }

out=$top/build/testhost/$label
rm -rf "$out"
mkdir -p "$out"
# bench: QEMU and a Linux guest in the initramfs, and room for the
# dirty-log slot and two 256 MiB migrating guests beside it.
bench= memory=2G
[ "$mode" = bench ] && bench=--bench memory=3G
if [ -z "$initramfs" ]; then
	initramfs=$out/initramfs.cpio.gz
	"$top/scripts/testhost/mkinitramfs.sh" $bench ${selftests:+--selftests "$selftests"} \
		"$initramfs"
fi

# The QEMU monitor on a pipe pair: a hung test host's CPUs are read
# through it before it is killed, into hang.log (scripts/testhost/why.sh
# prints it).
mon=$out/monitor
mkfifo "$mon.in" "$mon.out"
cat "$mon.out" >"$out/monitor.log" &
drain=$!

set +e
qemu-system-x86_64 \
	-accel tcg -cpu "$cpu" -smp 2 -m "$memory" \
	-nodefaults -display none -no-reboot \
	-kernel "$kernel" -initrd "$initramfs" \
	-append "console=ttyS0 panic=-1 hospes.mode=$mode$append" \
	-serial "file:$out/console.log" -serial "file:$out/tap.log" \
	-chardev "pipe,id=mon,path=$mon" -mon chardev=mon $qemu_args \
	</dev/null >"$out/qemu.log" 2>&1 &
qemu=$!
# A CPU the kernel has reported stuck for this long is not coming back:
# waiting out the timeout would only cost CI the time.
stuck_limit=100
stuck_for() {
	sed -n 's/.*soft lockup - CPU#[0-9]* stuck for \([0-9]*\)s.*/\1/p' \
		"$out/console.log" | sort -n | tail -n 1
}
end=$((SECONDS + timeout))
stuck=0
while kill -0 "$qemu" 2>/dev/null && [ "$SECONDS" -lt "$end" ] &&
      [ "${stuck:-0}" -lt "$stuck_limit" ]; do
	sleep 1
	stuck=$(stuck_for)
done
if kill -0 "$qemu" 2>/dev/null; then
	if [ "${stuck:-0}" -ge "$stuck_limit" ]; then
		echo "run.sh: a CPU stuck for ${stuck}s: the test host froze" >"$out/hang.log"
	else
		echo "run.sh: still running after ${timeout}s" >"$out/hang.log"
	fi
	printf '%s\n' "info cpus" "info registers -a" "info lapic 0" "info lapic 1" >"$mon.in"
	sleep 5
	kill "$qemu"
	sleep 5
	kill -KILL "$qemu" 2>/dev/null
	wait "$qemu"
	rc=124
	cat "$out/monitor.log" >>"$out/hang.log"
else
	wait "$qemu"
	rc=$?
fi
kill "$drain" 2>/dev/null
rm -f "$mon.in" "$mon.out"
set -e
echo "$rc" >"$out/qemu.rc"
exit "$rc"
