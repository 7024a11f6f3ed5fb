#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Pack the test host's initramfs: static busybox, the init script, the
# module and every built selftest binary.
#
#   mkinitramfs.sh OUTPUT.cpio.gz
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
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
for t in "$top"/build/selftests/*; do
	[ -x "$t" ] && cp "$t" "$root/hospes/selftests/"
done
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$output"
