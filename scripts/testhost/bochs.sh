#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one test host in Bochs (emulated Intel VMX with EPT, VPID and
# unrestricted guest) with the same initramfs as the QEMU test host
# (mkinitramfs.sh), and run a mode in it. The Bochs twin of run.sh.
#
#   bochs.sh [--cpu MODEL] [--smp N] [--label NAME] [--timeout SECONDS]
#            [--tests "NAME..."] [--append ARGS] MODE
#
# MODE is check, demo or bench as for run.sh. --tests packs only the named
# selftest binaries (default: all of build/selftests). --cpu is a Bochs CPU
# model (default corei7_skylake_x; ryzen has SVM, but hangs booting Linux).
# --smp: CPUs, default 2 as in QEMU's test host (one is about twice as fast,
# but then no vCPU ever moves between host CPUs). --append adds kernel
# parameters. Logs land in build/testhost/NAME/ (NAME defaults to vmx):
# console.log (kernel log, com1 = ttyS0), tap.log (test output, com2 =
# ttyS1), bochs.log, and times.log: the wall-clock seconds since Bochs
# started at which each "# hospes-" line of tap.log arrived. The exit
# status, also written to bochs.rc for judge.sh, is 0 when the guest
# powered off, 124 on a timeout, else Bochs's (its log says why).
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
cpu=corei7_skylake_x
smp=2
label=
timeout=3600
tests=
append=
while [ $# -gt 0 ]; do
	case "$1" in
	--cpu) cpu=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--label) label=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--tests) tests=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	-*) echo "bochs.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
mode=${1:?usage: bochs.sh [--cpu MODEL] [--smp N] [--label NAME] [--timeout S] [--tests NAMES] [--append ARGS] check|demo|bench}
label=${label:-vmx}

kver=${KVER:-$(ls /lib/modules | grep -- '-amd64$' | sort -V | tail -n 1)}
kernel=/boot/vmlinuz-$kver
isolinux=/usr/lib/ISOLINUX/isolinux.bin
ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
for f in "$kernel" "$isolinux" "$ldlinux"; do
	[ -r "$f" ] || { echo "bochs.sh: $f missing: run make deps" >&2; exit 2; }
done
for c in bochs-bin xorriso; do
	command -v "$c" >/dev/null || { echo "bochs.sh: $c missing: run make deps" >&2; exit 2; }
done

out=$top/build/testhost/$label
rm -rf "$out"
mkdir -p "$out/iso/isolinux"

# Bochs boots no bzImage: isolinux on an El Torito CD loads kernel and initrd.
"$top/scripts/testhost/mkinitramfs.sh" ${tests:+--selftests "$tests"} "$out/iso/initrd.gz"
cp "$kernel" "$out/iso/vmlinuz"
cp "$isolinux" "$ldlinux" "$out/iso/isolinux/"
# 115200 baud: Bochs's UART takes the time a real one would, and the kernel
# writes its console polling. reboot=t: a reboot (or panic=-1) triple-faults,
# which ends Bochs (bochsrc) instead of booting the CD again.
# Bochs 2.7's CPUID leaf 0xd sub-leaf 1 gives the standard, not the
# compacted XSAVE size: with XSAVEC/XSAVES the kernel WARNs and runs without
# XSAVE at all (no AVX); clearing them keeps XSAVE in its standard format.
# Its CPUs have no IBRS, and the kernel WARNs that retpolines leave RETBleed
# open: retbleed=off says we know. Its TSC counts instructions, at the
# bochsrc's ips (100 MHz), while CPUID claims 3.5 GHz: tsc_early_khz makes
# the kernel's clock agree with its timers, and run near wall-clock time
# (otherwise some 30 times slower: a test's 30 s timeout took 15 minutes).
cat >"$out/iso/isolinux/isolinux.cfg" <<EOF
default hospes
prompt 0
label hospes
  kernel /vmlinuz
  initrd /initrd.gz
  append console=ttyS0,115200 panic=-1 reboot=t clearcpuid=xsavec,xsaves retbleed=off tsc_early_khz=100000 hospes.mode=$mode $append
EOF
xorriso -as mkisofs -quiet -o "$out/boot.iso" -b isolinux/isolinux.bin \
	-c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
	"$out/iso" >"$out/xorriso.log" 2>&1 ||
	{ cat "$out/xorriso.log" >&2; exit 2; }
rm -rf "$out/iso"

# The debugger compiled into Debian's bochs-bin stops before the first
# instruction: -rc feeds it "continue"; at the end of stdin it quits.
echo c >"$out/debugger.rc"
export HOSPES_BX_OUT=$out HOSPES_BX_CPU=$cpu HOSPES_BX_CPUS=$smp HOSPES_BX_MEGS=${HOSPES_BX_MEGS:-2048}
t0=${EPOCHREALTIME/[.,]/}
timeout -k 10 "$timeout" bochs-bin -q -f "$top/scripts/testhost/bochsrc" \
	-rc "$out/debugger.rc" </dev/null >"$out/bochs.stdout" 2>&1 &
bx=$!
# Without job control a background job ignores SIGINT: pass ^C (and a
# TERM, which interrupts wait) on.
trap 'kill "$bx" 2>/dev/null; exit 130' INT TERM

# Stamp the progress lines of the test output as they arrive, until Bochs ends.
tail -F -s 0.2 --pid="$bx" -n +1 "$out/tap.log" 2>/dev/null |
while IFS= read -r line; do
	case $line in
	"# hospes-"*)
		ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
		printf '%d.%d %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$line"
		;;
	esac
done >"$out/times.log" &
stamps=$!

set +e
wait "$bx"
rc=$?
wait "$stamps"
set -e
trap - INT TERM
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]; then
	if grep -q '>>PANIC<< ACPI control: soft power off' "$out/bochs.log" 2>/dev/null; then
		rc=0
	else
		echo "bochs.sh: bochs-bin exited with status $rc" >&2
		grep -h '>>PANIC<<' "$out/bochs.log" >&2 2>/dev/null ||
			tail -n 5 "$out/bochs.stdout" >&2
	fi
fi
echo "$rc" >"$out/bochs.rc"
exit "$rc"
