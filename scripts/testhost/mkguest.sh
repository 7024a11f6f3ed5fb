#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The Linux guest that selftests/linux_test.c boots with `hospes run
# --kernel`: Debian's kernel as it is (vmlinuz, the one the test host
# boots too) and an initramfs (initramfs.cpio.gz) of static busybox,
# guest-init as /init, and the kernel's modules the guest needs
# (virtio-mmio, -blk, -console, -net, pvpanic) with their dependencies, in
# the order they must be loaded.
#
#   mkguest.sh OUTPUT-DIRECTORY
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
outdir=$1
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkguest: $busybox missing: run make deps" >&2; exit 2; }
kver=${KVER:-$(ls /lib/modules | grep -- '-amd64$' | sort -V | tail -n 1)}
kernel=/boot/vmlinuz-$kver
[ -r "$kernel" ] || { echo "mkguest: $kernel missing: run make deps" >&2; exit 2; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,lib/modules}
cp "$busybox" "$root/bin/busybox"
cp "$top/scripts/testhost/guest-init" "$root/init"
chmod +x "$root/init"

# Dependencies first; each module once.
loaded=" "
add() {
	local m d
	for m; do
		case "$loaded" in *" $m "*) continue ;; esac
		for d in $(modinfo -k "$kver" -F depends "$m" | tr , ' '); do
			add "$d"
		done
		cp "$(modinfo -k "$kver" -n "$m")" "$root/lib/modules/$m.ko"
		echo "$m" >>"$root/lib/modules/load-order"
		loaded="$loaded$m "
	done
}
add virtio_mmio virtio_blk virtio_console virtio_net pvpanic-mmio
mkdir -p "$outdir"
cp "$kernel" "$outdir/vmlinuz"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$outdir/initramfs.cpio.gz"
