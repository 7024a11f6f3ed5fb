/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A machine's configuration and state in stream sections, and back: what
 * `hospes save` and a migration write once the guest is paused, and what
 * `hospes restore` and `hospes run --incoming` gather from a stream before
 * they apply any of it (guest RAM is ram.c's).
 */
#ifndef HOSPES_SNAPSHOT_H
#define HOSPES_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/hospes.h>

#include "blob.h"
#include "boot_record.h"
#include "stream.h"
#include "vm.h"

struct machine;
struct vm_config;

#define SNAPSHOT_MAX_DEVICES	8

/* The parts of a vCPU's state, one section each. */
#define VCPU_HAS_REGS		(1u << 0)
#define VCPU_HAS_SREGS		(1u << 1)
#define VCPU_HAS_MSRS		(1u << 2)
#define VCPU_HAS_XSAVE		(1u << 3)
#define VCPU_HAS_EVENTS		(1u << 4)
#define VCPU_HAS_ALL		0x1f	/* the parts every stream has */
#define VCPU_HAS_CPUID		(1u << 5)	/* from format 1.1 on */
#define VCPU_HAS_LAPIC		(1u << 6)	/* in-kernel APICs only */

/* SEC_MACHINE: what builds the machine, and its flags. */
#define MACHINE_KIND_PV		0	/* pvboot (run.c); streams without SEC_MACHINE */
#define MACHINE_KIND_LINUX	1	/* linux.c: a PC with in-kernel APICs */
#define MACHINE_F_VIRTIO_CONSOLE (1u << 0)

/* The migration section's flags. */
#define MIGRATION_F_RAM_HASH	(1u << 0)

struct snapshot {
	/* SEC_CONFIG */
	uint64_t mem_bytes;
	unsigned int nr_vcpus;
	char *cmdline, *kernel;
	unsigned int nr_devices;
	char *device_names[SNAPSHOT_MAX_DEVICES];
	/* SEC_DEVICE payloads (after the name), by config order */
	struct blob device_state[SNAPSHOT_MAX_DEVICES];
	bool device_seen[SNAPSHOT_MAX_DEVICES];

	/* SEC_MACHINE; absent: a PV machine */
	bool has_machine;
	uint32_t machine_kind;		/* MACHINE_KIND_* */
	uint32_t machine_flags;		/* MACHINE_F_* */

	/* SEC_BOOT (optional, from 1.2): how a Linux guest boots again */
	struct boot_record boot;

	bool has_clock, has_pv, has_ioapic;
	struct hospes_clock clock;
	struct hospes_pv_state pv;
	struct hospes_ioapic_state ioapic;
	struct vcpu_state *vcpus;	/* nr_vcpus of them */
	struct hospes_cpuid **cpuid;	/* each vCPU's table, NULL: not sent */
	struct hospes_lapic_state *lapic;	/* nr_vcpus of them */
	uint8_t *vcpu_has;		/* VCPU_HAS_* for each */

	/* SEC_MIGRATION (optional) */
	bool has_migration;
	uint64_t pause_realtime_ns;	/* CLOCK_REALTIME when the source paused */
	uint32_t migration_flags;
	uint64_t ram_hash;
};

/* ---- writing: the machine is paused ------------------------------------ */

/* Every device of m can be saved and restored: 0, or -1 with why in err. */
int snapshot_can_save(struct machine *m, char *err, size_t errlen);

/* SEC_CONFIG, SEC_MACHINE, then SEC_BOOT if any. 0, or -1 (w->error). */
int snapshot_put_config(struct stream_writer *w, struct machine *m);

/*
 * Lock (hold true) or unlock every device of m, from before its state is
 * read until it is written: no device thread (console input) then changes
 * the device or guest RAM behind the stream's back.
 */
void snapshot_hold_devices(struct machine *m, bool hold);

/* A paused machine's state, as the kernel reports it. */
struct saved_state {
	struct hospes_clock clock;
	struct hospes_pv_state pv;
	struct hospes_ioapic_state ioapic;	/* with m->irqchip */
	struct vcpu_state *vcpus;	/* cfg->nr_vcpus of them */
	struct hospes_cpuid **cpuid;	/* each vCPU's */
	struct hospes_lapic_state *lapic;	/* each vCPU's, with m->irqchip */
	unsigned int nr_vcpus;
};

/*
 * Read the clock, the PV state and every vCPU's state. suspended_vcpu (or
 * -1) called SUSPEND: its copy resumes with 1 in RAX. 0, or -1 with a
 * sentence in err; snapshot_release() frees what succeeded.
 */
int snapshot_take(struct machine *m, int suspended_vcpu, struct saved_state *st,
		  char *err, size_t errlen);
void snapshot_release(struct saved_state *st);
/*
 * Clock, PV state, I/O APIC, every vCPU, every device (held:
 * snapshot_hold_devices()). 0, or -1 (w->error).
 */
int snapshot_put_saved(struct stream_writer *w, struct machine *m,
		       const struct saved_state *st);
/* SEC_MIGRATION, optional for readers. 0, or -1 (w->error). */
int snapshot_put_migration(struct stream_writer *w, uint64_t pause_realtime_ns,
			   uint32_t flags, uint64_t ram_hash);

/* ---- reading -------------------------------------------------------- */

void snapshot_init(struct snapshot *s);
void snapshot_free(struct snapshot *s);
/* SEC_CONFIG's payload into s, and a vm_config that points into s. 0 or -1 (r->error). */
int snapshot_get_config(struct stream_reader *r, struct snapshot *s,
			const struct stream_section *sec, struct vm_config *cfg);
/* SEC_MACHINE's payload into s and cfg (which builder, which devices). */
int snapshot_get_machine(struct stream_reader *r, struct snapshot *s,
			 const struct stream_section *sec, struct vm_config *cfg);
/*
 * Any other section but MEMORY and END: stored in s, or skipped if unknown
 * and optional. 0, or -1 (r->error).
 */
int snapshot_get_section(struct stream_reader *r, struct snapshot *s,
			 const struct stream_section *sec);
/* Every part a restore needs is there: 0, or -1 (r->error). */
int snapshot_check(struct stream_reader *r, const struct snapshot *s);
/*
 * This host's CPU has every feature the guest was offered (cpu_compat.h):
 * 0, or -1 with the missing ones named in err.
 */
int snapshot_check_cpu(const struct snapshot *s, char *err, size_t errlen);

/*
 * Recreate the machine's state from s: guest RAM is loaded, the VM and its
 * memory exist, no vCPU yet. Clock first (before any vCPU), then vCPUs,
 * PV state, vCPU events, devices. 0, or -1 after printing why.
 */
int snapshot_apply(struct machine *m, struct snapshot *s);

#endif /* HOSPES_SNAPSHOT_H */
