#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# judge.sh decides whether make check is green: show it a passing run and
# every way a run can go wrong, and check its verdict and its reason.
set -u
judge=$(cd "$(dirname "$0")/../.." && pwd)/scripts/testhost/judge.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
bad=0

# A test host run in which everything went right.
good_run() {
	mkdir -p "$1"
	echo 0 >"$1/qemu.rc"
	printf '[    1.0] hospes: loaded, API version 1\n' >"$1/console.log"
	cat >"$1/tap.log" <<'TAP'
# hospes-virt svm
# hospes-paging 5-level
# hospes-insmod ok
# hospes-run a_test
ok 1 global.one
ok 2 global.two # SKIP no reason
# hospes-exit a_test 0
# hospes-rmmod ok
# hospes-done
TAP
}

# expect NAME STATUS PATTERN [OPTION...]: judge the run in $work/NAME.
expect() {
	local out rc
	n=$((n + 1))
	out=$("$judge" --paging 5-level "${@:4}" "$work/$1" 2>&1)
	rc=$?
	if [ "$rc" -eq "$2" ] && printf '%s\n' "$out" | grep -qE -- "$3"; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		printf '#   %s\n' "status $rc, wanted $2 and /$3/:" "$out"
		bad=$((bad + 1))
	fi
}

echo "TAP version 13"
echo "1..14"

good_run "$work/pass"
expect pass 0 '^pass: 1 passed, 0 failed, 1 skipped$'

good_run "$work/failed-test"
sed -i 's/^ok 1 global.one/not ok 1 global.one/; s/a_test 0/a_test 1/' "$work/failed-test/tap.log"
expect failed-test 1 'FAIL failed-test: a_test: not ok 1 global.one'

good_run "$work/crashed"
sed -i '/^ok /d; s/a_test 0/a_test 139/' "$work/crashed/tap.log"
expect crashed 1 'a_test: exited with status 139'

good_run "$work/no-test"
sed -i '/^ok /d' "$work/no-test/tap.log"
expect no-test 1 'a_test: ran no test'

good_run "$work/oops"
echo '[    2.0] BUG: kernel NULL pointer dereference, address: 0000000000000008' >>"$work/oops/console.log"
expect oops 1 'kernel log: .*BUG: kernel NULL pointer'

good_run "$work/warning"
echo '[    2.0] WARNING: CPU: 1 PID: 77 at kmod/core/vm.c:10 hospes_x+0x1/0x2 [hospes]' >>"$work/warning/console.log"
expect warning 1 'kernel log: .*WARNING: CPU'

good_run "$work/hang"
echo 124 >"$work/hang/qemu.rc"
sed -i '/hospes-done/d' "$work/hang/tap.log"
expect hang 1 'timed out'

good_run "$work/no-svm"
sed -i 's/virt svm/virt none/' "$work/no-svm/tap.log"
expect no-svm 1 'no SVM flag \(hospes-virt none\)'

# The Bochs test host: VMX expected, the exit status in bochs.rc.
good_run "$work/vmx"
sed -i 's/virt svm/virt vmx/' "$work/vmx/tap.log"
mv "$work/vmx/qemu.rc" "$work/vmx/bochs.rc"
expect vmx 0 '^vmx: 1 passed, 0 failed, 1 skipped$' --virt vmx

good_run "$work/svm-not-vmx"
expect svm-not-vmx 1 'no VMX flag \(hospes-virt svm\)' --virt vmx

good_run "$work/no-virt-line"
sed -i '/hospes-virt/d' "$work/no-virt-line/tap.log"
expect no-virt-line 1 'no SVM flag \(hospes-virt missing\)'

good_run "$work/bochs-panic"
rm "$work/bochs-panic/qemu.rc"
echo 1 >"$work/bochs-panic/bochs.rc"
expect bochs-panic 1 'bochs exited with status 1' --virt svm

good_run "$work/wrong-paging"
sed -i 's/5-level/4-level/' "$work/wrong-paging/tap.log"
expect wrong-paging 1 'host paging is 4-level, expected 5-level'

good_run "$work/no-unload"
sed -i 's/rmmod ok/rmmod failed/' "$work/no-unload/tap.log"
expect no-unload 1 'rmmod hospes failed'

[ "$bad" -eq 0 ]
