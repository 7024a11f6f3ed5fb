#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check-vmx: the selftests in a Bochs test host with Intel VMX (EPT,
# VPID, unrestricted guest; 4-level host paging). Bochs is slow, so
#
#   check-vmx.sh [--tests "NAME..." | --tests "-NAME..."] [--smp N]
#
# may name the selftest binaries to run (default: all), or those to leave
# out, or boot N CPUs (default 2; see scripts/testhost/bochs.sh). Prints the
# time each binary took, then ends with "N passed, N failed, N skipped" like
# make check. HOSPES_VMX_TIMEOUT bounds the run (seconds, default 3600).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
label=vmx
out=build/testhost/$label

tests=
args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--tests) tests=$2; shift 2 ;;
	*) args+=("$1"); shift ;;
	esac
done
# "-NAME": every built selftest but those.
case " $tests" in
*" -"*)
	keep=
	for t in build/selftests/*; do
		[ -x "$t" ] || continue
		case " $tests " in
		*" -${t##*/} "*) ;;
		*) keep="$keep ${t##*/}" ;;
		esac
	done
	tests=${keep# }
	;;
esac

echo "== test host $label: bochs corei7_skylake_x (Intel VMX, 4-level host paging)"
scripts/testhost/bochs.sh --label "$label" --timeout "${HOSPES_VMX_TIMEOUT:-3600}" \
	${tests:+--tests "$tests"} "${args[@]}" check
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
/# hospes-testhost/	{ t = t sprintf(", boot %.0fs", $1) }
/# hospes-run /		{ start = $1 }
/# hospes-exit /	{ t = t sprintf(", %s %.0fs", $4, $1 - start) }
			{ last = $1 }
END			{ if (NR) print label ": " substr(t sprintf(", total %.0fs", last), 3) }
' label="$label" "$out/times.log"
line=$(tail -n 1 "$out/judge.log")
echo "$line"
[ "$rc" -eq 0 ] || { scripts/testhost/why.sh "$out"; echo "   logs: $out/{tap,console,bochs}.log"; }
echo "${line#"$label": }"
exit "$rc"
