/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A Linux guest's boot configuration in the stream (SEC_BOOT,
 * docs/stream-format.md): what `hospes run --kernel` was told that the
 * CONFIG and MACHINE sections do not carry (the kernel and initramfs
 * files, the disk, the network cards, --no-reboot), so that a restored or
 * migrated guest that reboots boots again as it would have at its source.
 * The target's command line may name other files for the next boot.
 */
#ifndef HOSPES_BOOT_RECORD_H
#define HOSPES_BOOT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/devices.h"
#include "machine.h"
#include "stream.h"

#define BOOT_F_NO_REBOOT	(1u << 0)	/* a reboot ends the run */

/* A --net value as the record gives it: tap:IFNAME,mac=xx:xx:xx:xx:xx:xx */
#define BOOT_NET_SPEC_MAX	(sizeof("tap:,mac=xx:xx:xx:xx:xx:xx") + NET_IFNAME_MAX)

struct boot_record {
	bool present;			/* the stream had one */
	uint32_t flags;			/* BOOT_F_* */
	char *kernel;			/* absolute paths; */
	char *initrd, *disk;		/* NULL: none */
	unsigned int nr_nets;
	char net[VM_MAX_NETS][BOOT_NET_SPEC_MAX];
};

/* What the target's command line says instead: NULL, false: the stream's. */
struct boot_override {
	const char *kernel;		/* --kernel */
	const char *initrd;		/* --initrd */
	bool no_reboot;			/* --no-reboot */
};

/*
 * SEC_BOOT for a machine of configuration cfg, if it is a Linux guest
 * whose boot configuration is known (not one restored from a stream
 * without it); relative paths are made absolute. 0, or -1 (w->error).
 */
int boot_record_put(struct stream_writer *w, const struct vm_config *cfg);

/*
 * A SEC_BOOT payload into b (empty: all zero), every field checked: 0,
 * or -1 with a sentence in err and b empty. boot_record_free() frees it.
 */
int boot_record_parse(const void *payload, size_t len, struct boot_record *b,
		      char *err, size_t errlen);
void boot_record_free(struct boot_record *b);

/*
 * Complete cfg, read from a stream whose boot record is b (present or
 * not), with the target's overrides ov: the configuration a reboot
 * builds the machine from (pointing into b and ov). 0, or -1 with a
 * sentence in err for an override that cannot apply.
 */
int boot_record_apply(const struct boot_record *b,
		      const struct boot_override *ov, struct vm_config *cfg,
		      char *err, size_t errlen);

/*
 * Warn on stderr about each file of cfg's next boot that this host cannot
 * read now: the guest would stop at its reboot.
 */
void boot_record_check_files(const struct vm_config *cfg);

#endif /* HOSPES_BOOT_RECORD_H */
