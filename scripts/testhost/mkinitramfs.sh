#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Pack the test host's initramfs: static busybox, the init script, the
# module, every built selftest binary, the bench with its kvm modules, and
# the cross-host migration script with its NIC driver.
#
#   mkinitramfs.sh [--bench] [--selftests "NAME..."] OUTPUT.cpio.gz
#
# --selftests packs only the named selftests (a slow test host runs a subset).
# --bench adds what only make bench needs: the Linux guest and QEMU.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
bench=
if [ "${1:-}" = --bench ]; then
	bench=1
	shift
fi
selftests=
if [ "${1:-}" = --selftests ]; then
	selftests=$2
	shift 2
fi
output=$1
# Debian's busybox-static installs a static /bin/busybox.
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkinitramfs: $busybox missing: run make deps" >&2; exit 2; }
ko=$top/kmod/hospes.ko
[ -r "$ko" ] || { echo "mkinitramfs: $ko not built" >&2; exit 2; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,hospes/selftests,hospes/bin}
cp "$busybox" "$root/bin/busybox"
cp "$top/scripts/testhost/init" "$root/init"
cp "$ko" "$root/hospes/"
cp "$top/build/userspace/hospes" "$root/hospes/bin/"
cp "$top/build/pvguest/pvguest.elf" "$root/hospes/"
# The Linux guest of linux_test (9 MB: only where that test goes).
case " ${selftests:-linux_test} " in
*" linux_test "*) "$top/scripts/testhost/mkguest.sh" "$root/hospes/guest" ;;
esac
for t in "$top"/build/selftests/*; do
	case " ${selftests:-${t##*/}} " in
	*" ${t##*/} "*) [ -x "$t" ] && cp "$t" "$root/hospes/selftests/" ;;
	esac
done
for t in $selftests; do
	[ -x "$root/hospes/selftests/$t" ] ||
		{ echo "mkinitramfs: no selftest $t in build/selftests" >&2; exit 2; }
done

# The bench (hospes.mode=bench): its programs, and Debian's kvm_amd as the
# peer hypervisor, with every module it depends on and their lines of
# modules.dep, so that busybox modprobe can load and unload the stack.
mkdir -p "$root/hospes/bench"
for t in "$top"/build/bench/*; do
	[ -x "$t" ] && cp "$t" "$root/hospes/bench/"
done
# pv_bench's native side: pvguest's compute code as a Linux program.
cp "$top/build/pvguest/compute-native" "$root/hospes/bench/"
kver=${KVER:-$(ls /lib/modules | grep -- '-amd64$' | sort -V | tail -n 1)}
moddir=/lib/modules/$kver
with_deps() {
	local m d
	for m; do
		for d in $(modinfo -k "$kver" -F depends "$m" | tr , ' '); do
			with_deps "$d"
		done
		modinfo -k "$kver" -n "$m"
	done
}
# Pack modules and what they need; one already packed is left as it is.
pack_modules() {
	local f rel
	for f in $(with_deps "$@" | sort -u); do
		rel=${f#"$moddir"/}
		[ -e "$root$moddir/$rel" ] && continue
		mkdir -p "$root$moddir/${rel%/*}"
		cp "$f" "$root$moddir/$rel"
		grep "^$rel:" "$moddir/modules.dep" >>"$root$moddir/modules.dep"
	done
}
pack_modules kvm kvm-amd
# tun: linux_test gives its guest a tap (modprobe'd by init).
pack_modules tun

# The cross-host migration (hospes.mode=xhost-*, scripts/testhost/crosshost.sh):
# its script, and the virtio-net NIC of the wire between the two test hosts.
cp "$top/scripts/testhost/xhost.sh" "$root/hospes/"
pack_modules virtio_pci virtio_net

# The bench's Linux rows (bench/linux_bench.c; --bench only, some 50 MB
# that make check does without): mkguest.sh's guest, and QEMU to boot it
# on kvm_amd, with the shared libraries it links (the test host has no
# libc) and the firmware a -nodefaults PC with -kernel reads, where
# Debian's QEMU looks for it.
if [ -n "$bench" ]; then
	[ -d "$root/hospes/guest" ] || "$top/scripts/testhost/mkguest.sh" "$root/hospes/guest"
	qemu=$(command -v qemu-system-x86_64) ||
		{ echo "mkinitramfs: qemu-system-x86_64 missing: run make deps" >&2; exit 2; }
	for f in "$qemu" $(ldd "$qemu" | grep -o '/[^ ]*') \
		/usr/share/seabios/bios-256k.bin /usr/share/qemu/linuxboot_dma.bin \
		/usr/share/qemu/kvmvapic.bin; do
		mkdir -p "$root${f%/*}"
		cp -L "$f" "$root$f"
	done
fi
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$output"
