#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check-host: the selftests on this machine's own kernel, for a host
# with real AMD SVM that can load modules. Skips, saying why, where it
# can't run. Ends with "N passed, N failed".
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
ko=$top/kmod/hospes.ko

skip() {
	echo "check-host: skipped: $*"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip "needs root to load the module"
[ -e /proc/modules ] || skip "this kernel cannot load modules"
grep -qw svm /proc/cpuinfo || skip "this CPU has no AMD SVM (or it is disabled in firmware)"
built_for=$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)
[ "$built_for" = "$(uname -r)" ] ||
	skip "hospes.ko is built for '$built_for', this kernel is $(uname -r): make KVER=$(uname -r) check-host"
grep -q '^kvm_amd ' /proc/modules && skip "kvm_amd is loaded and owns SVM: rmmod kvm_amd first"
grep -q '^hospes ' /proc/modules && skip "hospes is already loaded: rmmod hospes first"

dmesg_before=$(dmesg | wc -l)
insmod "$ko" || { echo "FAIL insmod"; echo "0 passed, 1 failed"; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
{
	echo "# hospes-virt svm"
	echo "# hospes-insmod ok"
	for t in "$top"/build/selftests/*; do
		[ -x "$t" ] || continue
		echo "# hospes-run ${t##*/}"
		HOSPES_KO=$ko "$t"
		echo "# hospes-exit ${t##*/} $?"
	done
	rmmod hospes && echo "# hospes-rmmod ok" || echo "# hospes-rmmod failed"
	echo "# hospes-done"
} 2>&1 | tee "$out"

dir=$(mktemp -d)
mv "$out" "$dir/tap.log"
echo 0 >"$dir/qemu.rc"
# The kernel log of this run, for judge.sh to look for oopses and warnings.
dmesg | tail -n +"$((dmesg_before + 1))" >"$dir/console.log"
"$top/scripts/testhost/judge.sh" "$dir" | sed 's/^[^ ]*: //' | tee "$dir/judge"
rc=${PIPESTATUS[0]}
rm -rf "$dir"
exit "$rc"
