# SPDX-License-Identifier: GPL-2.0-only
#
# hospes top-level build. `make help` lists the targets.

# The kernel the module is built for: the newest Debian amd64 kernel
# installed, which is also the kernel the test host boots.
KVER	?= $(shell ls /lib/modules 2>/dev/null | grep -- '-amd64$$' | sort -V | tail -n 1)
KDIR	?= /lib/modules/$(KVER)/build
BUILD	:= $(CURDIR)/build
LSRC	:= $(BUILD)/linux-source
LSRC_TAR ?= $(lastword $(sort $(wildcard /usr/src/linux-source-6.*.tar.xz)))

CC	?= cc
CFLAGS	:= -std=gnu11 -O2 -g -Wall -Wextra -Werror -I$(CURDIR)/include/uapi
export CC CFLAGS BUILD LSRC KVER KDIR

.PHONY: all kmod userspace selftests pvguest guest unit deps check check-host lint \
	check-vmx checkpatch sparse demo bench bench-build clean help

all: kmod userspace selftests pvguest guest

help:
	@echo "make deps        install build and test dependencies (Debian, apt-get)"
	@echo "make             build kmod/hospes.ko, userspace and selftests"
	@echo "make check       unit tests, lint, then the selftests in QEMU test hosts"
	@echo "make check-host  the selftests on this machine's own kernel (real SVM)"
	@echo "make check-xhost live migration between two test hosts on a virtual wire"
	@echo "make check-vmx   the selftests in a Bochs test host (Intel VMX); slow:"
	@echo "                 VMX_TESTS=\"module_test ...\" runs only those, \"-linux_test\" all but it"
	@echo "make demo        boot a test host and show hospes loaded"
	@echo "make bench       time hospes against kvm_amd, and its PV guest, in one test host boot"
	@echo "make lint        checkpatch --strict and sparse on the module"

deps:
	@scripts/deps.sh

kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# Files this project takes from the kernel's own source package:
# the kselftest harness and checkpatch. Extracted locally, never downloaded.
LSRC_FILES := tools/testing/selftests/kselftest_harness.h \
	tools/testing/selftests/kselftest.h \
	scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch

$(LSRC)/.stamp: $(LSRC_TAR)
	@test -n "$(LSRC_TAR)" || { echo "linux-source-6.1 missing: run make deps" >&2; exit 1; }
	@mkdir -p $(LSRC)
	tar -xJf $(LSRC_TAR) -C $(LSRC) --strip-components=1 \
		$(addprefix $(notdir $(basename $(basename $(LSRC_TAR))))/,$(LSRC_FILES))
	@touch $@

userspace:
	$(MAKE) -C userspace

selftests: $(LSRC)/.stamp
	$(MAKE) -C selftests

# The PV guest kernel: build/pvguest/pvguest.elf (+ compute-native).
pvguest:
	$(MAKE) -C pvguest

# The Linux guest of selftests/linux_test.c: Debian's kernel and an
# initramfs, in build/guest (the test host packs its own copy).
guest:
	scripts/testhost/mkguest.sh $(BUILD)/guest

unit: $(LSRC)/.stamp
	$(MAKE) -C tests/unit run

checkpatch: $(LSRC)/.stamp
	perl $(LSRC)/scripts/checkpatch.pl --strict --no-tree --quiet -f \
		$(shell find kmod -name '*.[chS]' ! -name '*.mod.c' | sort) \
		include/uapi/linux/hospes.h include/uapi/linux/hospes_pv.h

sparse:
	$(MAKE) -C $(KDIR) M=$(CURDIR) C=2 CF=-Wsparse-error modules

lint: checkpatch sparse

check: all
	scripts/check.sh

check-host: all
	scripts/check-host.sh

# Two test hosts joined by -netdev socket: a live migration from one to
# the other (scripts/testhost/crosshost.sh). Also the last step of check.
.PHONY: check-xhost
check-xhost: all
	scripts/testhost/crosshost.sh

# Bochs is slow: VMX_TESTS may name the selftest binaries to run (default
# all), or with a leading "-" those to leave out: VMX_TESTS=-linux_test.
check-vmx: all
	scripts/check-vmx.sh $(if $(VMX_TESTS),--tests "$(VMX_TESTS)")

demo: all
	scripts/testhost/run.sh --timeout 300 demo
	@grep -v '^# hospes-' build/testhost/demo/tap.log

# Static bench programs into build/bench, for the test host.
bench-build:
	$(MAKE) -C bench

# One boot: the same guest loops on kvm_amd, then on hospes, and pvguest
# under hospes run. Writes bench/results.json (bench/README.md).
bench: kmod userspace pvguest bench-build
	bench/run.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean
	$(MAKE) -C pvguest clean
	$(MAKE) -C tests/unit clean
	rm -rf $(BUILD)
