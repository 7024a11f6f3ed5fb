#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The same pvguest on both vendors: boot an AMD SVM test host (QEMU TCG,
# run.sh) and an Intel VMX one (Bochs, bochs.sh) in the pvout mode of the
# init script, which runs a fixed list of pvguest programs through
# `hospes run`, and compare their console output byte for byte.
#
#   vendors.sh [--timeout SECONDS]          boot both, then compare
#   vendors.sh --compare SVM_DIR VMX_DIR    compare two earlier runs
#
# Three things may differ, and only they are rewritten before the
# comparison: the hypercall instruction pvguest's boot line names (VMMCALL
# on SVM, VMCALL on VMX: the ABI says so); clock readings (hello's uptime
# and wall clock, compute's elapsed time), which differ between any two
# runs; and RFLAGS.RF in the frame of a fault, which Intel CPUs set (SDM
# vol. 3, "Debug exceptions": the RF flag) and the AMD CPU QEMU emulates
# does not, without the hypervisor taking part.
# Everything else (exceptions, their RIP, CR2 and error code, checksums,
# exit statuses) must be the same. Exits 0 if it is, 1 if not, 2 if a test
# host did not produce its transcript. The runs land in
# build/testhost/vendors-svm and build/testhost/vendors-vmx.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
timeout=3600

# The framed pvguest transcript of one run, normalised as described above.
transcript() {
	sed -n '/^# hospes-pvout /,/^# hospes-pvout-exit /p' "$1/tap.log" |
	sed -E -e 's/^(pvguest: hospes ABI [0-9]+ )\((vmcall|vmmcall)\)/\1(HYPERCALL)/' \
	       -e 's/uptime [0-9]+ us, wall clock [0-9]+\.[0-9]+/uptime T us, wall clock T/' \
	       -e 's/ elapsed_us=[0-9]+/ elapsed_us=T/' |
	perl -pe 's/rflags=0x([0-9a-f]+)/sprintf("rflags=0x%x", hex($1) & ~0x10000)/e'
}

compare() {
	local svm=$1 vmx=$2 n
	for d in "$svm" "$vmx"; do
		n=$(grep -c '^# hospes-pvout-exit ' "$d/tap.log" 2>/dev/null || true)
		if [ "${n:-0}" -eq 0 ]; then
			echo "vendors: no pvguest transcript in $d/tap.log" >&2
			return 2
		fi
	done
	if diff -u --label "SVM ($svm)" --label "VMX ($vmx)" \
		<(transcript "$svm") <(transcript "$vmx"); then
		echo "vendors: $n programs, the same output on SVM and VMX"
		return 0
	fi
	echo "vendors: SVM and VMX differ (above)" >&2
	return 1
}

case "${1:-}" in
--compare)
	compare "${2:?usage: vendors.sh --compare SVM_DIR VMX_DIR}" \
		"${3:?usage: vendors.sh --compare SVM_DIR VMX_DIR}"
	exit
	;;
--timeout)
	timeout=${2:?--timeout needs seconds}
	;;
"") ;;
*)
	echo "usage: vendors.sh [--timeout S] | --compare SVM_DIR VMX_DIR" >&2
	exit 2
	;;
esac

# One test host after the other: each is heavy on a small machine.
"$top/scripts/testhost/run.sh" --label vendors-svm --timeout "$timeout" pvout ||
	echo "vendors: the SVM test host exited with status $?" >&2
"$top/scripts/testhost/bochs.sh" --label vendors-vmx --timeout "$timeout" \
	--tests module_test pvout ||
	echo "vendors: the VMX test host exited with status $?" >&2
compare "$top/build/testhost/vendors-svm" "$top/build/testhost/vendors-vmx"
