// SPDX-License-Identifier: GPL-2.0-only
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

int machine_alloc_ram(struct machine *m)
{
	uint64_t bytes = m->cfg->mem_bytes;
	void *ram;

	/* Untouched pages cost nothing: a guest rarely uses all of its RAM. */
	ram = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED) {
		fprintf(stderr, "hospes: cannot allocate %llu MiB of guest memory: %m\n",
			(unsigned long long)(bytes / MIB));
		return -1;
	}
	m->mem = (struct guest_mem){ .host = ram, .size = bytes };
	return 0;
}

int machine_create_vm(struct machine *m)
{
	if (vm_create(&m->vm))
		return -1;
	return vm_set_memory(&m->vm, MACHINE_RAM_SLOT, 0, m->mem.size,
			     m->mem.host);
}

void machine_add_device(struct machine *m, struct device *dev)
{
	dev->next = m->devices;
	m->devices = dev;
}

uint32_t machine_alloc_port(struct machine *m)
{
	return m->next_port++;
}

void machine_stop(struct machine *m, int status)
{
	bool first;

	pthread_mutex_lock(&m->lock);
	first = !machine_stopping(m);
	if (first) {
		m->exit_status = status;
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
