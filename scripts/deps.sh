#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make deps: install, from Debian's archive only, what build and test need.
# Idempotent; does nothing (and touches no network) when all is present.
set -eu

pkgs=(
	build-essential		# gcc, make, libc static archives
	linux-headers-amd64	# kbuild tree for the module
	linux-image-amd64	# the test host's kernel, and kvm_amd as the peer
	linux-source-6.1	# kselftest_harness.h, checkpatch.pl
	qemu-system-x86		# the test host (TCG, emulated SVM)
	seabios qemu-system-data	# firmware make bench packs for QEMU/KVM in it
	bochs bochsbios vgabios	# the VMX test host (make check-vmx)
	bochs-term		# bochs needs a GUI: the lightest (it runs with rfb)
	isolinux syslinux-common xorriso	# the VMX test host's boot CD
	busybox-static		# the test host's userland
	cpio gzip xz-utils	# initramfs packing, source extraction
	libnl-3-dev libnl-genl-3-dev	# generic netlink management
	sparse			# make C=1
	perl			# checkpatch
)

missing=()
for name in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$name" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$name")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all present"
	exit 0
fi

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root for apt-get (run: sudo make deps)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
