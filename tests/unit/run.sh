#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run unit test programs (each prints TAP) and sum their results into
# "unit: N passed, N failed, N skipped". Exits 1 if anything failed.
set -u
passed=0
failed=0
skipped=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	ok=$(printf '%s\n' "$out" | grep -c '^ok ')
	skip=$(printf '%s\n' "$out" | grep -c '^ok .*# SKIP')
	bad=$(printf '%s\n' "$out" | grep -c '^not ok ')
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "not ok - $(basename "$t") exited with status $rc"
		bad=1
	elif [ $((ok + bad)) -eq 0 ]; then
		echo "not ok - $(basename "$t") ran no test"
		bad=1
	fi
	passed=$((passed + ok - skip))
	skipped=$((skipped + skip))
	failed=$((failed + bad))
done
echo "unit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
