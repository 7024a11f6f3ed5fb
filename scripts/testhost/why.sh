#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# What a failed test-host run left to read, for a log nobody can open
# afterwards (CI keeps only what make check prints).
#
#   why.sh DIR
#
# Prints, indented, each failed test's own lines from DIR/tap.log (from
# its RUN line to its "not ok", at most the last 40 of them) and the last
# 40 lines of the test host's kernel log when judge.sh finds a kernel
# report in it or the run did not finish; and, for a hung one, where each CPU was
# (hang.log, read from QEMU's monitor by run.sh), named by symbol.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)

# The symbol at or below the 16-digit hex address $1 in an "ADDR TYPE
# NAME" list on stdin, as "NAME+0xOFF".
symbol_at() {
	LC_ALL=C sort - <(echo "$1 ~ @") | grep -B1 ' ~ @$' | head -n 1 |
		{ read -r a _ name && [ "$name" != @ ] &&
			printf '%s+%#x' "$name" $((16#$1 - 16#$a)); }
}

# Name the hospes.ko function at runtime address $1 (hex), or its offset
# into the kernel's text (Debian ships no System.map; its -dbg package
# names it).
name_rip() {
	local rip=$((16#$1)) off
	if [ -n "$module" ] && [ "$rip" -ge $((16#$module)) ] &&
	   [ $((rip - 16#$module)) -lt $((1 << 20)) ]; then
		off=$(printf '%016x' $((rip - 16#$module)))
		objdump -t "$top/kmod/hospes.ko" 2>/dev/null |
			awk -F '\t' '$1 ~ / F \.text$/ { split($1, a, " "); split($2, b, " "); print a[1], "t", b[2] }' |
			symbol_at "$off" | sed 's/^/at hospes.ko: /'
	elif [ -n "$kernel" ] && [ "$rip" -ge $((16#$kernel)) ] &&
	     [ $((rip - 16#$kernel)) -lt $((64 << 20)) ]; then
		printf 'at kernel _text+%#x' $((rip - 16#$kernel))
	else
		echo "outside the kernel and hospes.ko: a nested guest's, or a user address"
	fi
}

dir=${1:?usage: why.sh DIR}
[ -r "$dir/tap.log" ] || exit 0
# Where the init script saw the kernel's and the module's text (hex).
kernel=$(sed -n 's/^# hospes-text kernel=\([0-9a-f]*\) .*/\1/p' "$dir/tap.log" | head -n 1)
module=$(sed -n 's/^# hospes-text .* hospes=0x\([0-9a-f]*\)$/\1/p' "$dir/tap.log" | head -n 1)

awk '
{ sub(/\r$/, "") }
/^#  RUN / { n = 0 }
{ block[n++ % 40] = $0 }
/^not ok / {
	start = n > 40 ? n - 40 : 0
	for (i = start; i < n; i++)
		print "   | " block[i % 40]
	n = 0
}' "$dir/tap.log"

# The kernel log, where judge.sh blames it or the run did not end.
if "$top/scripts/testhost/judge.sh" "$dir" |
   grep -qE '^FAIL [^:]*: (kernel log: |timed out|the test host did not finish)'; then
	echo "   | --- the test host's kernel log ends:"
	tail -n 40 "$dir/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/   | /'
fi

if [ -s "$dir/hang.log" ]; then
	echo "   | --- the hung test host's CPUs (QEMU monitor):"
	tr -d '\r' <"$dir/hang.log" | grep -E '^(run.sh:|CPU#|\* CPU|  CPU|RIP=|CR0=|CS =|EFER=|dumping local APIC|Timer|ISR|IRR|APR)' |
	while read -r line; do
		echo "   | $line"
		case "$line" in
		RIP=*)
			rip=${line#RIP=}
			echo "   |   $(name_rip "${rip%% *}")"
			;;
		esac
	done
fi
exit 0
