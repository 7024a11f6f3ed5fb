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

struct vm_config {
	const char *kernel;
	uint64_t mem_bytes;
	unsigned int nr_vcpus;
	const char *cmdline;
	const char *disk;		/* NULL: none */
	enum console_kind console;
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
	unsigned int parked;		/* vCPUs that can never run again */
};

/*
 * Everything empty, nothing allocated: machine_destroy() undoes whatever
 * was built on top of it since.
 */
void machine_init(struct machine *m, const struct vm_config *cfg);
void machine_destroy(struct machine *m);

void machine_add_device(struct machine *m, struct device *dev);
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
 * Called by a vCPU that nothing can wake up again (HLT with interrupts
 * off): waits until the machine stops, and stops it if every vCPU is parked.
 */
void machine_park(struct machine *m);

/*
 * The signals machine_wait() takes: they must be blocked in every thread,
 * so block them before creating any.
 */
void machine_block_signals(void);
/* Wait until the machine stops by itself or a signal stops it. */
void machine_wait(struct machine *m);

#endif /* HOSPES_MACHINE_H */
