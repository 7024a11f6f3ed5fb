#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Judge a cross-host migration (scripts/testhost/crosshost.sh) from the logs
# of its two test hosts.
#
#   judge-xhost.sh [--label NAME] SRC-DIR DST-DIR
#
# Each side is judged as any test host (judge.sh: its checks, a clean
# kernel log, a finished run); then what only the two together show: the
# guest RAM hash the source took at its pause is the one the target found
# before it resumed, and the counter's first number at the target follows
# its last at the source. Prints every failure, the migration's figures,
# then "NAME: N passed, N failed, N skipped" (NAME defaults to xhost).
# Exits 1 if anything failed.
set -u

label=xhost
if [ "${1:-}" = --label ]; then
	label=$2
	shift 2
fi
[ $# -eq 2 ] || { echo "usage: judge-xhost.sh [--label NAME] SRC-DIR DST-DIR" >&2; exit 2; }
src=$1
dst=$2
passed=0
failed=0
skipped=0

for dir in "$src" "$dst"; do
	verdict=$("$(dirname "$0")/judge.sh" "$dir")
	grep '^FAIL' <<<"$verdict"
	counts=$(tail -n 1 <<<"$verdict" |
		sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/p')
	if [ -z "$counts" ]; then
		echo "FAIL $label: no verdict on $dir"
		failed=$((failed + 1))
		continue
	fi
	read -r p f s <<<"$counts"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done

# fact DIR KEY...: the value after "# xhost-KEY..." in DIR's tap.log.
fact() {
	local dir=$1
	shift
	sed -n "s/^# xhost-$* \([^ ]*\)\r\?$/\1/p" "$dir/tap.log" 2>/dev/null | tail -n 1
}

# both WHAT CONDITION: a cross-host check.
both() {
	if [ "$2" = 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $label: $1"
	fi
}

hs=$(fact "$src" ram-hash src)
hd=$(fact "$dst" ram-hash dst)
[ -n "$hs" ] && [ "$hs" = "$hd" ]
both "guest RAM hash at the source's pause ${hs:-missing}, at the target ${hd:-missing}" $?

last=$(fact "$src" counter src-last)
first=$(fact "$dst" counter dst-first)
[ -n "$last" ] && [ -n "$first" ] && [ "$first" -eq $((last + 1)) ]
both "the counter's last number at the source ${last:-missing}, its first at the target ${first:-missing}" $?

# The figures: the wire's round trip, each migration's report.
sed -n -e 's/^# xhost-net /# net: /p' -e 's/^# xhost-report /# /p' "$src/tap.log" 2>/dev/null |
	tr -d '\r'
echo "$label: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
