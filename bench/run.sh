#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: boot one test host in bench mode (kvm_amd, then hospes, in
# the same boot), then write bench/results.json and print the table.
#
#   bench/run.sh [--cpu MODEL] [--timeout SECONDS]
#
# Exits non-zero if the boot or either side failed; the file and the
# table are written whatever happened, with the reasons in them.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
label=bench
out=build/testhost/$label

# Other test hosts on this machine's few cores slow this one down while
# they run, skewing one side against the other: count any seen meanwhile,
# QEMU's or Bochs' (ours is the one whose command line has our log folder
# in it).
samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
(
	while :; do
		pgrep -a 'qemu-system-x86|bochs-bin' | grep -vc "/testhost/$label/"
		sleep 2
	done
) >"$samples" 2>/dev/null &
sampler=$!

# About 20 minutes on a quiet machine; the limit only ends a hung boot.
scripts/testhost/run.sh --label "$label" --timeout 2100 "$@" bench
rc=$?
kill "$sampler"
wait "$sampler" 2>/dev/null
others=$(sort -n "$samples" | tail -n 1)

if ! perl bench/report.pl --others "${others:-0}" "$out" bench/results.json &&
	[ "$rc" -eq 0 ]; then
	rc=1
fi
exit "$rc"
