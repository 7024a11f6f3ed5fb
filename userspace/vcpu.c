// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/hospes_pv.h>

#include "host_cpuid.h"
#include "hypercall.h"
#include "machine.h"
#include "util.h"
#include "vcpu.h"

/*
 * Sent to a vCPU thread to make HOSPES_RUN return. Its handler does
 * nothing and is installed without SA_RESTART, so that a console write
 * stuck on a slow reader returns too.
 */
#define KICK_SIGNAL	SIGUSR1

/* Each returns true to run the vCPU again, false to end its thread. */
typedef bool (*exit_handler)(struct vcpu *v);

static bool exit_io(struct vcpu *v)
{
	struct hospes_run *r = v->run;

	if (r->io.direction == HOSPES_EXIT_IO_IN)
		r->io.data = bus_read(&v->m->bus, BUS_PIO, r->io.port, r->io.size);
	else
		bus_write(&v->m->bus, BUS_PIO, r->io.port, r->io.size, r->io.data);
	return true;
}

static bool exit_mmio(struct vcpu *v)
{
	struct hospes_run *r = v->run;
	unsigned int len = r->mmio.len < 8 ? r->mmio.len : 8;
	uint64_t value = 0;

	if (r->mmio.is_write) {
		memcpy(&value, r->mmio.data, len);
		bus_write(&v->m->bus, BUS_MMIO, r->mmio.gpa, len, value);
	} else {
		value = bus_read(&v->m->bus, BUS_MMIO, r->mmio.gpa, len);
		memcpy(r->mmio.data, &value, len);
	}
	return true;
}

static bool exit_hypercall(struct vcpu *v)
{
	struct hospes_run *r = v->run;

	r->hypercall.ret = hypercall(v, r->hypercall.nr, r->hypercall.args);
	return true;
}

static bool exit_evtchn(struct vcpu *v)
{
	/* A port no device uses: the guest's mistake, and harmless. */
	bus_notify(&v->m->bus, v->run->evtchn.port);
	return true;
}

/* A signal or immediate_exit: a pause waits here; the loop sees a stop. */
static bool exit_intr(struct vcpu *v)
{
	machine_pause_point(v);
	return true;
}

/* HLT with interrupts off: nothing will ever wake this vCPU. */
static bool exit_hlt(struct vcpu *v)
{
	machine_park(v->m);
	return false;
}

static bool exit_triple_fault(struct vcpu *v)
{
	fprintf(stderr, "hospes: vCPU %u: triple fault: the guest reset its CPU (hospes does not restart guests)\n",
		v->id);
	machine_stop(v->m, EXIT_GUEST_DIED);
	return false;
}

static const char *const internal_errors[] = {
	[HOSPES_INTERNAL_ERROR_ENTRY_FAILED] = "the CPU refused the guest state",
	[HOSPES_INTERNAL_ERROR_UNHANDLED_EXIT] = "an exit the module does not handle",
	[HOSPES_INTERNAL_ERROR_EMULATION] = "an instruction the module could not decode",
	[HOSPES_INTERNAL_ERROR_STRING_IO] = "string port I/O (INS/OUTS), not supported",
	[HOSPES_INTERNAL_ERROR_BAD_MEMORY] = "guest RAM the module could not map",
};

static bool exit_internal_error(struct vcpu *v)
{
	struct hospes_run *r = v->run;
	uint32_t sub = r->internal.suberror;
	const char *what = sub < ARRAY_LEN(internal_errors) && internal_errors[sub] ?
			   internal_errors[sub] : "unknown suberror";
	unsigned int i;

	fprintf(stderr, "hospes: vCPU %u: internal error %u: %s, at rip %#llx; data:",
		v->id, sub, what, (unsigned long long)r->rip);
	for (i = 0; i < r->internal.ndata && i < ARRAY_LEN(r->internal.data); i++)
		fprintf(stderr, " %#llx", (unsigned long long)r->internal.data[i]);
	fputc('\n', stderr);
	machine_stop(v->m, EXIT_VMM_ERROR);
	return false;
}

/*
 * The guest's HOSPES_HC_SHUTDOWN. Poweroff gives its code as the exit
 * status. hospes has no reset yet, so a reboot stops the guest as
 * `qemu -no-reboot` does, successfully and with a note.
 */
static bool exit_system_event(struct vcpu *v)
{
	unsigned long long code = v->run->system_event.code;
	int status;

	switch (v->run->system_event.type) {
	case HOSPES_SHUTDOWN_POWEROFF:
		status = code;
		if (code > 255) {
			fprintf(stderr, "hospes: the guest powered off with code %llu, beyond an exit status: exiting with 255\n",
				code);
			status = 255;
		}
		break;
	case HOSPES_SHUTDOWN_REBOOT:
		fprintf(stderr, "hospes: the guest asked for a reboot; hospes does not restart guests: stopped\n");
		status = 0;
		break;
	case HOSPES_SHUTDOWN_CRASH:
		fprintf(stderr, "hospes: the guest crashed (code %#llx)\n", code);
		status = EXIT_GUEST_DIED;
		break;
	default:
		fprintf(stderr, "hospes: the guest shut down for unknown reason %u (code %#llx)\n",
			v->run->system_event.type, code);
		status = EXIT_GUEST_DIED;
		break;
	}
	machine_stop(v->m, status);
	return false;
}

static const exit_handler exit_handlers[] = {
	[HOSPES_EXIT_IO] = exit_io,
	[HOSPES_EXIT_MMIO] = exit_mmio,
	[HOSPES_EXIT_HYPERCALL] = exit_hypercall,
	[HOSPES_EXIT_HLT] = exit_hlt,
	[HOSPES_EXIT_SHUTDOWN] = exit_triple_fault,
	[HOSPES_EXIT_INTERNAL_ERROR] = exit_internal_error,
	[HOSPES_EXIT_INTR] = exit_intr,
	[HOSPES_EXIT_SYSTEM_EVENT] = exit_system_event,
	[HOSPES_EXIT_EVTCHN] = exit_evtchn,
};

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct machine *m = v->m;

	while (!machine_stopping(m)) {
		uint32_t reason;

		if (vcpu_run(v->fd) && errno != EINTR) {
			fprintf(stderr, "hospes: vCPU %u: HOSPES_RUN: %s\n",
				v->id, strerror(errno));
			machine_stop(m, EXIT_VMM_ERROR);
			break;
		}
		reason = v->run->exit_reason;
		if (reason >= ARRAY_LEN(exit_handlers) || !exit_handlers[reason]) {
			fprintf(stderr, "hospes: vCPU %u: unexpected exit reason %u at rip %#llx\n",
				v->id, reason, (unsigned long long)v->run->rip);
			machine_stop(m, EXIT_VMM_ERROR);
			break;
		}
		if (!exit_handlers[reason](v))
			break;
	}
	return NULL;
}

int vcpus_alloc(struct machine *m)
{
	unsigned int n = m->cfg->nr_vcpus, i;

	m->vcpus = calloc(n, sizeof(*m->vcpus));
	if (!m->vcpus) {
		fprintf(stderr, "hospes: out of memory\n");
		return -1;
	}
	for (i = 0; i < n; i++) {
		m->vcpus[i] = (struct vcpu){ .m = m, .id = i, .fd = -1 };
		atomic_init(&m->vcpus[i].started, false);
	}
	return 0;
}

int vcpu_open_cpuid(struct machine *m, unsigned int id,
		    const struct hospes_cpuid *cpuid,
		    const struct hospes_regs *regs,
		    const struct hospes_sregs *sregs)
{
	struct vcpu *v = &m->vcpus[id];

	v->fd = vcpu_create(&m->vm, id, cpuid, regs, sregs, &v->run);
	return v->fd < 0 ? -1 : 0;
}

int vcpu_open(struct machine *m, unsigned int id,
	      const struct hospes_regs *regs, const struct hospes_sregs *sregs)
{
	struct hospes_cpuid *cpuid = host_cpuid(id);
	int ret;

	if (!cpuid) {
		fprintf(stderr, "hospes: out of memory\n");
		return -1;
	}
	ret = vcpu_open_cpuid(m, id, cpuid, regs, sregs);
	free(cpuid);
	return ret;
}

int vcpus_create(struct machine *m, uint64_t entry)
{
	unsigned int i;

	if (vcpus_alloc(m))
		return -1;
	for (i = 0; i < m->cfg->nr_vcpus; i++) {
		struct hospes_sregs sregs;
		struct hospes_regs regs;

		pvboot_vcpu_state(&m->boot, i, entry, &regs, &sregs);
		if (vcpu_open(m, i, &regs, &sregs))
			return -1;
	}
	return 0;
}

static void kick_handler(int sig)
{
	(void)sig;
}

int vcpus_start(struct machine *m)
{
	struct sigaction sa = { .sa_handler = kick_handler };
	unsigned int i;
	int err;

	sigemptyset(&sa.sa_mask);
	sigaction(KICK_SIGNAL, &sa, NULL);
	for (i = 0; i < m->cfg->nr_vcpus; i++) {
		struct vcpu *v = &m->vcpus[i];

		err = pthread_create(&v->thread, NULL, vcpu_thread, v);
		if (err) {
			fprintf(stderr, "hospes: cannot start a thread for vCPU %u: %s\n",
				i, strerror(err));
			machine_stop(m, EXIT_VMM_ERROR);
			return -1;
		}
		atomic_store_explicit(&v->started, true, memory_order_release);
	}
	return 0;
}

void vcpus_kick(struct machine *m)
{
	unsigned int i;

	for (i = 0; m->vcpus && i < m->cfg->nr_vcpus; i++) {
		struct vcpu *v = &m->vcpus[i];

		if (!atomic_load_explicit(&v->started, memory_order_acquire))
			continue;
		/* Covers a thread about to enter HOSPES_RUN; the signal, one inside. */
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(v->thread, KICK_SIGNAL);
	}
}

void vcpus_destroy(struct machine *m)
{
	unsigned int i;

	if (!m->vcpus)
		return;
	for (i = 0; i < m->cfg->nr_vcpus; i++) {
		struct vcpu *v = &m->vcpus[i];

		if (atomic_load(&v->started))
			pthread_join(v->thread, NULL);
		if (v->fd >= 0)
			vcpu_close(&m->vm, v->fd, v->run);
	}
	free(m->vcpus);
	m->vcpus = NULL;
}
