#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Judge one test-host run from its logs.
#
#   judge.sh [--paging 4-level|5-level] [--virt svm|vmx] DIR
#
# DIR holds console.log (kernel log), tap.log (test output) and the
# emulator's exit status: qemu.rc (run.sh) or bochs.rc (bochs.sh).
# Prints every failure with its reason, then "LABEL: N passed, N failed,
# N skipped". Exits 1 if anything failed. A run fails on any failed test,
# a test binary that crashed or ran no test, a kernel BUG/Oops/WARNING/
# general protection fault/KASAN report, a hang, a CPU without the
# expected virtualization flag (--virt, default svm), a module that would
# not load or unload, or paging of the wrong depth.
set -u

paging=
virt=svm
while [ $# -gt 1 ]; do
	case "$1" in
	--paging) paging=$2; shift 2 ;;
	--virt) virt=$2; shift 2 ;;
	*) break ;;
	esac
done
dir=${1:?usage: judge.sh [--paging DEPTH] [--virt svm|vmx] DIR}
label=$(basename "$dir")
touch "$dir/console.log" "$dir/tap.log"
emu=qemu
[ -e "$dir/bochs.rc" ] && emu=bochs

awk -v label="$label" -v paging="$paging" -v virt="$virt" -v emu="$emu" \
	-v rc="$(cat "$dir/$emu.rc" 2>/dev/null || echo missing)" '
function fail(why) { failed++; print "FAIL " label ": " why }
FILENAME ~ /console\.log$/ {
	sub(/\r$/, "")
	if ($0 ~ /(BUG:|Oops|WARNING:|general protection|KASAN|kernel BUG|UBSAN|refcount_t:|Kernel panic)/)
		fail("kernel log: " $0)
	next
}
{ sub(/\r$/, "") }
/^# hospes-virt /	{ seen_virt = $3 }
/^# hospes-insmod failed/	{ fail("insmod hospes.ko failed") }
/^# hospes-rmmod failed/	{ fail("rmmod hospes failed at the end") }
/^# hospes-paging /	{ seen_paging = $3 }
/^# hospes-done/	{ done = 1 }
/^# hospes-run /	{ bin = $3; bin_ok = 0; bin_bad = 0; next }
/^# hospes-exit /	{
	if ($4 != 0 && bin_bad == 0)
		fail($3 ": exited with status " $4 " without reporting a failed test")
	else if (bin_ok + bin_bad == 0)
		fail($3 ": ran no test")
	bin = ""
	next
}
/^ok / {
	bin_ok++
	if ($0 ~ /# SKIP/) skipped++; else passed++
	next
}
/^not ok / {
	bin_bad++
	fail((bin != "" ? bin ": " : "") $0)
	next
}
END {
	if (rc == 124 || rc == 137)
		fail("timed out: the test host hung")
	else if (rc != 0)
		fail(emu " exited with status " rc)
	if (!done)
		fail("the test host did not finish its run")
	if (seen_virt != virt)
		fail("the test host CPU has no " toupper(virt) " flag (hospes-virt " \
		     (seen_virt == "" ? "missing" : seen_virt) ")")
	if (paging != "" && seen_paging != paging)
		fail("host paging is " seen_paging ", expected " paging)
	printf "%s: %d passed, %d failed, %d skipped\n", label, passed, failed, skipped
	exit failed > 0
}' "$dir/console.log" "$dir/tap.log"
