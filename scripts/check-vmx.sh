#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check-vmx: the selftests in a Bochs test host with Intel VMX (EPT,
# VPID, unrestricted guest; 4-level host paging). Bochs is slow, so
#
#   check-vmx.sh [--tests "NAME..."]
#
# may name the selftest binaries to run (default: all). Prints the time
# each took, then ends with "N passed, N failed, N skipped" like make check.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
label=vmx
out=build/testhost/$label

echo "== test host $label: bochs corei7_skylake_x (VMX, 4-level host paging)"
scripts/testhost/bochs.sh --label "$label" --timeout "${HOSPES_VMX_TIMEOUT:-3600}" "$@" check
if [ ! -e "$out/bochs.rc" ]; then
	echo "FAIL $label: the test host did not start"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
scripts/testhost/judge.sh --virt vmx --paging 4-level "$out" >"$out/judge.log"
rc=$?
grep '^FAIL' "$out/judge.log"
# Wall-clock seconds: to init, then each binary, from the stamps of bochs.sh.
awk '
/# hospes-testhost/	{ printf "%s: boot %.0fs", label, $1 }
/# hospes-run /		{ start = $1 }
/# hospes-exit /	{ printf ", %s %.0fs", $4, $1 - start }
			{ last = $1 }
END			{ if (NR) printf ", total %.0fs\n", last }
' label="$label" "$out/times.log"
line=$(tail -n 1 "$out/judge.log")
echo "$line"
[ "$rc" -eq 0 ] || echo "   logs: $out/{tap,console,bochs}.log"
echo "${line#"$label": }"
exit "$rc"
