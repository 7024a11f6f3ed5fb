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
# 40 lines of the test host's kernel log when it holds a kernel report or
# the run did not finish.
set -u

dir=${1:?usage: why.sh DIR}
[ -r "$dir/tap.log" ] || exit 0

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

if ! grep -q '^# hospes-done' "$dir/tap.log" ||
   grep -qE 'BUG:|Oops|WARNING:|general protection|Call Trace|rcu.*stall|soft lockup' \
	"$dir/console.log" 2>/dev/null; then
	echo "   | --- the test host's kernel log ends:"
	tail -n 40 "$dir/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/   | /'
fi
exit 0
