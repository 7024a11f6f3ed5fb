// SPDX-License-Identifier: GPL-2.0-only
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux.h"
#include "machine.h"
#include "util.h"
#include "vcpu.h"

/* What a vCPU thread sends the waiting thread when the machine stops. */
#define STOPPED_SIGNAL	SIGUSR2

static const int wait_signals[] = { SIGINT, SIGTERM, SIGHUP, STOPPED_SIGNAL };

static int send_event(struct machine *m, uint32_t port)
{
	return vm_evtchn_send(&m->vm, port);
}

void machine_init(struct machine *m, const struct vm_config *cfg)
{
	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->vm.dev_fd = m->vm.fd = -1;
	/* Ports below are the ABI's own (HOSPES_PV_PORT_SUSPEND). */
	m->next_port = HOSPES_PV_PORT_SUSPEND + 1;
	m->send_event = send_event;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	atomic_init(&m->stopping, false);
}

void machine_destroy(struct machine *m)
{
	struct device *dev, *next;

	vcpus_destroy(m);
	for (dev = m->devices; dev; dev = next) {
		next = dev->next;
		dev->destroy(dev);
	}
	m->devices = NULL;
	bus_free(&m->bus);
	vm_close(&m->vm);
	if (m->mem.host)
		munmap(m->mem.host, m->mem.size);
	m->mem.host = NULL;
	free(m->mem.written);
	m->mem.written = NULL;
	if (m->console_open)
		console_close(&m->console);
	m->console_open = false;
	pthread_cond_destroy(&m->cond);
	pthread_mutex_destroy(&m->lock);
}

/*
 * Guest RAM starts on a 2 MiB boundary, so that where the host backs it
 * with transparent huge pages they line up with the guest's 2 MiB pages
 * and the module maps each with one nested-page-table entry (one exit
 * instead of 512).
 */
#define RAM_ALIGN	(2ull << 20)

int machine_alloc_ram(struct machine *m)
{
	uint64_t bytes = m->cfg->mem_bytes, head;
	uint8_t *raw, *ram;

	/* Untouched pages cost nothing: a guest rarely uses all of its RAM. */
	raw = mmap(NULL, bytes + RAM_ALIGN, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED) {
		fprintf(stderr, "hospes: cannot allocate %llu MiB of guest memory: %m\n",
			(unsigned long long)(bytes / MIB));
		return -1;
	}
	head = -(uintptr_t)raw & (RAM_ALIGN - 1);
	ram = raw + head;
	if (head)
		munmap(raw, head);
	munmap(ram + bytes, RAM_ALIGN - head);
	m->mem = (struct guest_mem){ .host = ram };
	/* The constants are aligned: this cannot fail. */
	if (m->cfg->linux_boot)
		guest_mem_layout(&m->mem, bytes, LINUX_RAM_HOLE_START,
				 LINUX_HIGH_RAM_GPA);
	else
		guest_mem_layout(&m->mem, bytes, 0, 0);
	return 0;
}

int machine_create_vm(struct machine *m)
{
	unsigned int i;

	if (vm_create(&m->vm))
		return -1;
	for (i = 0; i < guest_mem_nr_ranges(&m->mem); i++) {
		struct guest_mem_range r;

		guest_mem_range(&m->mem, i, &r);
		if (vm_set_memory(&m->vm, MACHINE_RAM_SLOT + i, r.gpa, r.size,
				  m->mem.host + r.offset))
			return -1;
	}
	return 0;
}

int machine_open_console(struct machine *m)
{
	if (m->console_open)
		return 0;
	if (console_open(&m->console, m->cfg->console))
		return -1;
	m->console_open = true;
	return 0;
}

void machine_add_device(struct machine *m, struct device *dev)
{
	dev->next = m->devices;
	m->devices = dev;
}

int machine_attach_pio(struct machine *m, struct device *dev, uint16_t port,
		       unsigned int n, const struct bus_ops *ops)
{
	int err;

	if (!dev) {
		fprintf(stderr, "hospes: out of memory\n");
		return -1;
	}
	machine_add_device(m, dev);
	err = bus_add_range(&m->bus, BUS_PIO, port, n, ops, dev);
	if (err) {
		fprintf(stderr, "hospes: %s at %#x: %s\n", dev->name, port,
			strerror(-err));
		return -1;
	}
	return 0;
}

uint32_t machine_alloc_port(struct machine *m)
{
	return m->next_port++;
}

static void stop(struct machine *m, int status, bool reboot)
{
	bool first;

	pthread_mutex_lock(&m->lock);
	first = !machine_stopping(m);
	if (first) {
		m->exit_status = status;
		m->rebooting = reboot;
		atomic_store_explicit(&m->stopping, true, memory_order_release);
		pthread_cond_broadcast(&m->cond);
	}
	pthread_mutex_unlock(&m->lock);
	if (!first)
		return;
	console_stop(&m->console);
	vcpus_kick(m);
	/* Blocked in every thread: it waits for machine_wait() to take it. */
	kill(getpid(), STOPPED_SIGNAL);
}

void machine_stop(struct machine *m, int status)
{
	stop(m, status, false);
}

void machine_reboot(struct machine *m)
{
	stop(m, 0, true);
}

void machine_restart(struct machine *m)
{
	const struct vm_config *cfg = m->cfg;
	bool keep = m->console_open;
	struct console con;

	/* Every thread that could use the console is gone with the machine. */
	m->console_open = false;
	if (keep)
		pthread_mutex_destroy(&m->console.lock);
	con = m->console;
	machine_destroy(m);
	machine_init(m, cfg);
	if (!keep)
		return;
	m->console = con;
	/* A copy of a mutex is no mutex: the one destroyed above is re-made. */
	pthread_mutex_init(&m->console.lock, NULL);
	atomic_store(&m->console.stopping, false);
	m->console_open = true;
}

bool machine_reboots(struct machine *m, unsigned int *reboots)
{
	if (!m->rebooting)
		return false;
	if (m->cfg->no_reboot) {
		fprintf(stderr, "hospes: the guest rebooted; --no-reboot: stopped\n");
		return false;
	}
	if (m->cfg->boot_unknown) {
		fprintf(stderr, "hospes: the guest rebooted, but its stream (format 1.1 or older) does not say how it boots: stopped\n");
		return false;
	}
	/* As a PC would: the same devices and files, fresh. */
	fprintf(stderr, "hospes: guest rebooted (%u)\n", ++*reboots);
	machine_restart(m);
	return true;
}

void machine_park(struct machine *m)
{
	bool all;

	pthread_mutex_lock(&m->lock);
	all = ++m->parked == m->cfg->nr_vcpus;
	while (!all && !machine_stopping(m))
		pthread_cond_wait(&m->cond, &m->lock);
	pthread_mutex_unlock(&m->lock);
	if (all && !machine_stopping(m)) {
		fprintf(stderr, "hospes: every vCPU has halted with interrupts off: the guest can never run again\n");
		machine_stop(m, EXIT_GUEST_DIED);
	}
}

static void wait_set(sigset_t *set)
{
	unsigned int i;

	sigemptyset(set);
	for (i = 0; i < ARRAY_LEN(wait_signals); i++)
		sigaddset(set, wait_signals[i]);
}

void machine_block_signals(void)
{
	sigset_t set;

	wait_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void machine_wait(struct machine *m)
{
	sigset_t set;
	int sig;

	wait_set(&set);
	for (;;) {
		if (sigwait(&set, &sig))
			continue;
		if (sig == STOPPED_SIGNAL) {
			/* Anyone may send it; only a stopped machine counts. */
			if (machine_stopping(m))
				return;
			continue;
		}
		if (!machine_stopping(m))
			fprintf(stderr, "hospes: %s: stopping the guest\n",
				strsignal(sig));
		machine_stop(m, 128 + sig);
		return;
	}
}
