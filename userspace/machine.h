/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A machine: one VM with its RAM, devices, console and vCPU threads, and
 * how it stops. `hospes run` builds one and waits for it to stop.
 */
#ifndef HOSPES_MACHINE_H
#define HOSPES_MACHINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/hospes.h>

#include "bus.h"
#include "console.h"
#include "guest_mem.h"
#include "loaders/pvboot.h"
#include "vm.h"

/* Exit statuses of `hospes run` other than the guest's own poweroff code. */
#define EXIT_VMM_ERROR		1	/* hospes or the module failed */
#define EXIT_USAGE		2
#define EXIT_GUEST_DIED		3	/* crash, triple fault, halted for good */
/* Stopped by signal n: 128 + n, as a shell reports it. */

#define MACHINE_MAX_MEMORY	(1024ull << 30)
/*
 * Guest RAM's memory slots: range i of guest_mem (the RAM at 0, and the
 * RAM above a machine's hole below 4 GiB, if it has one) is slot
 * MACHINE_RAM_SLOT + i. The layout is a function of the memory size and
 * the machine kind alone (machine_alloc_ram()), so a restored or migrated
 * machine gets the same one from its configuration.
 */
#define MACHINE_RAM_SLOT	0

#define VM_MAX_NETS		4

struct vm_config {
	const char *name;		/* of the control socket */
	const char *kernel;
	bool linux_boot;		/* kernel is a bzImage (linux.h) */
	const char *initrd;		/* NULL: none */
	bool virtio_console;		/* hvc0, with the console's input */
	uint64_t mem_bytes;
	unsigned int nr_vcpus;
	const char *cmdline;
	const char *disk;		/* NULL: none */
	const char *net[VM_MAX_NETS];	/* --net specs (devices.h), with --kernel */
	unsigned int nr_nets;
	enum console_kind console;
	bool stats;			/* --stats: counters on stderr at the end */
	bool no_reboot;			/* --no-reboot: a reboot ends the run */
	/*
	 * Restored from a stream without a boot record (boot_record.h): the
	 * initramfs, disk and network cards of a new boot are unknown, so a
	 * reboot ends the run.
	 */
	bool boot_unknown;
};

struct machine;

struct vcpu {
	struct machine *m;
	unsigned int id;
	int fd;				/* -1: not created */
	struct hospes_run *run;
	pthread_t thread;
	atomic_bool started;		/* its thread exists */
};

struct machine {
	const struct vm_config *cfg;
	struct guest_mem mem;
	struct vm vm;
	struct bus bus;
	struct console console;
	bool console_open;
	struct pv_boot boot;
	bool irqchip;			/* in-kernel APICs (devices drive pins) */
	struct device *devices;		/* every device, for teardown */
	uint32_t next_port;		/* the next free PV event port */
	/* Raise a PV event port in the guest (devices call this). */
	int (*send_event)(struct machine *m, uint32_t port);
	struct vcpu *vcpus;		/* cfg->nr_vcpus of them */

	/* Stopping: the first reason to stop wins and gives the exit status. */
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* signalled when stopping is set */
	atomic_bool stopping;
	int exit_status;
	bool rebooting;			/* the stop was the guest's reset */
	unsigned int parked;		/* vCPUs that can never run again */

	/* Pausing for a save or migration (pause.c), under lock. */
	bool pause_requested;
	unsigned int paused;		/* vCPUs waiting at the pause point */
	enum {
		SUSPEND_NONE,
		SUSPEND_REQUESTED,	/* HOSPES_PV_PORT_SUSPEND raised */
		SUSPEND_DONE,		/* the guest called SUSPEND */
	} suspend;
	unsigned int suspended_vcpu;	/* the caller, when SUSPEND_DONE */
};

/*
 * Everything empty, nothing allocated: machine_destroy() undoes whatever
 * was built on top of it since.
 */
void machine_init(struct machine *m, const struct vm_config *cfg);
void machine_destroy(struct machine *m);

/*
 * Guest RAM of cfg->mem_bytes, zeroed, laid out for the machine kind: all
 * at 0 for a PV machine, split around the PC hole for a Linux one
 * (linux.h). 0, or -1 after printing why.
 */
int machine_alloc_ram(struct machine *m);
/* The VM, with the RAM as its memory slots. 0, or -1 after printing why. */
int machine_create_vm(struct machine *m);

/*
 * The console of cfg->console, unless the machine kept one across a
 * reboot. 0, or -1 after printing why.
 */
int machine_open_console(struct machine *m);

void machine_add_device(struct machine *m, struct device *dev);
/*
 * Add dev (device_init() done; NULL: out of memory) to m and give it ports
 * [port, port + n). 0, or -1 after printing why (dev is m's either way).
 */
int machine_attach_pio(struct machine *m, struct device *dev, uint16_t port,
		       unsigned int n, const struct bus_ops *ops);
uint32_t machine_alloc_port(struct machine *m);

/*
 * Stop every vCPU; the first caller's status becomes the exit status. The
 * thread that waits in machine_wait() is woken.
 */
void machine_stop(struct machine *m, int status);
static inline bool machine_stopping(struct machine *m)
{
	return atomic_load_explicit(&m->stopping, memory_order_acquire);
}
/*
 * The guest reset the machine (a reboot): stop it with status 0 and
 * rebooting set, for its owner to build it again (machine_restart()) or
 * to end there.
 */
void machine_reboot(struct machine *m);
/*
 * After a reboot stopped m: free all of it but the console, which the
 * next machine keeps (the same pty, the same input), and make m empty
 * again, as machine_init() leaves it, for a new build.
 */
void machine_restart(struct machine *m);
/*
 * After machine_serve(): true if the guest reset the machine and is to
 * boot again, reboots counting the times; m is then restarted
 * (machine_restart()) for a new build, after "hospes: guest rebooted (N)"
 * on stderr. False if the machine stopped for good, with a note if it was
 * a reset that ends the run (--no-reboot, cfg->boot_unknown).
 */
bool machine_reboots(struct machine *m, unsigned int *reboots);
/*
 * Called by a vCPU that nothing can wake up again (HLT with interrupts
 * off): waits until the machine stops, and stops it if every vCPU is parked.
 */
void machine_park(struct machine *m);

/*
 * Pausing (pause.c). machine_pause() stops every vCPU at a safe point: out
 * of HOSPES_RUN with the last exit completed (so the registers are whole),
 * or parked for good. -1 if the machine is stopping instead.
 */
int machine_pause(struct machine *m);
void machine_resume(struct machine *m);
/* A vCPU thread's EXIT_INTR: wait here while a pause is requested. */
void machine_pause_point(struct vcpu *v);

/*
 * The PV suspend protocol: raise HOSPES_PV_PORT_SUSPEND (-1 if the guest
 * registered no shared info: nobody would hear it), then wait (up to
 * timeout_ms at a time) for the guest's SUSPEND call, and end the wait:
 * a SUSPEND that comes after that returns 0 at once. A vCPU that called
 * it is paused on return with 0 in RAX; a restored copy must see 1.
 */
int machine_request_suspend(struct machine *m);
bool machine_wait_suspended(struct machine *m, unsigned int timeout_ms);
/* Stop waiting: true if the guest did call SUSPEND. */
bool machine_end_suspend_wait(struct machine *m);
/* The vCPU that called SUSPEND, or -1. */
int machine_suspended_vcpu(struct machine *m);
/* HOSPES_HC_SUSPEND from vCPU v: its result. */
int64_t machine_guest_suspends(struct vcpu *v);

/*
 * The signals machine_wait() takes: they must be blocked in every thread,
 * so block them before creating any.
 */
void machine_block_signals(void);
/* Wait until the machine stops by itself or a signal stops it. */
void machine_wait(struct machine *m);

#endif /* HOSPES_MACHINE_H */
