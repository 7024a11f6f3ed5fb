// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pausing a running machine for a save or a migration, and the PV suspend
 * protocol that lets a guest quiesce first.
 *
 * A pause kicks every vCPU (immediate_exit and a signal, as a stop does).
 * The HOSPES_RUN that returns EINTR has first completed the instruction of
 * the previous exit (an IN, an MMIO read, a hypercall's result), so a
 * vCPU waiting in machine_pause_point() has registers that a restore can
 * load as they are: no half-done exit is lost with the pending state the
 * kernel keeps.
 */
#include <errno.h>
#include <time.h>

#include "machine.h"
#include "vcpu.h"

/* Paused or parked for good: either way out of HOSPES_RUN. */
static bool all_quiet(struct machine *m)
{
	return m->paused + m->parked == m->cfg->nr_vcpus;
}

int machine_pause(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	m->pause_requested = true;
	pthread_mutex_unlock(&m->lock);
	vcpus_kick(m);
	pthread_mutex_lock(&m->lock);
	while (!all_quiet(m) && !machine_stopping(m))
		pthread_cond_wait(&m->cond, &m->lock);
	pthread_mutex_unlock(&m->lock);
	return machine_stopping(m) ? -1 : 0;
}

void machine_resume(struct machine *m)
{
	unsigned int i;

	pthread_mutex_lock(&m->lock);
	/* A stop keeps immediate_exit set: its kick must not be undone. */
	if (!machine_stopping(m))
		for (i = 0; i < m->cfg->nr_vcpus; i++)
			__atomic_store_n(&m->vcpus[i].run->immediate_exit, 0,
					 __ATOMIC_SEQ_CST);
	m->pause_requested = false;
	m->suspend = SUSPEND_NONE;
	pthread_cond_broadcast(&m->cond);
	pthread_mutex_unlock(&m->lock);
}

void machine_pause_point(struct vcpu *v)
{
	struct machine *m = v->m;

	pthread_mutex_lock(&m->lock);
	if (m->pause_requested && !machine_stopping(m)) {
		m->paused++;
		pthread_cond_broadcast(&m->cond);
		while (m->pause_requested && !machine_stopping(m))
			pthread_cond_wait(&m->cond, &m->lock);
		m->paused--;
	}
	pthread_mutex_unlock(&m->lock);
}

int machine_request_suspend(struct machine *m)
{
	pthread_mutex_lock(&m->lock);
	m->suspend = SUSPEND_REQUESTED;
	pthread_mutex_unlock(&m->lock);
	if (!m->send_event(m, HOSPES_PV_PORT_SUSPEND))
		return 0;
	pthread_mutex_lock(&m->lock);
	if (m->suspend == SUSPEND_REQUESTED)
		m->suspend = SUSPEND_NONE;
	pthread_mutex_unlock(&m->lock);
	return -1;
}

bool machine_wait_suspended(struct machine *m, unsigned int timeout_ms)
{
	struct timespec end;
	bool done;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&m->lock);
	while (m->suspend == SUSPEND_REQUESTED && !machine_stopping(m))
		if (pthread_cond_timedwait(&m->cond, &m->lock, &end) == ETIMEDOUT)
			break;
	done = m->suspend == SUSPEND_DONE;
	pthread_mutex_unlock(&m->lock);
	return done;
}

bool machine_end_suspend_wait(struct machine *m)
{
	bool done;

	pthread_mutex_lock(&m->lock);
	if (m->suspend == SUSPEND_REQUESTED)
		m->suspend = SUSPEND_NONE;
	done = m->suspend == SUSPEND_DONE;
	pthread_mutex_unlock(&m->lock);
	return done;
}

int machine_suspended_vcpu(struct machine *m)
{
	int id;

	pthread_mutex_lock(&m->lock);
	id = m->suspend == SUSPEND_DONE ? (int)m->suspended_vcpu : -1;
	pthread_mutex_unlock(&m->lock);
	return id;
}

int64_t machine_guest_suspends(struct vcpu *v)
{
	struct machine *m = v->m;

	pthread_mutex_lock(&m->lock);
	if (m->suspend == SUSPEND_REQUESTED) {
		m->suspend = SUSPEND_DONE;
		m->suspended_vcpu = v->id;
		/*
		 * Pause this vCPU as soon as its SUSPEND has returned: the
		 * guest quiesced for us and must not run on.
		 */
		m->pause_requested = true;
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_cond_broadcast(&m->cond);
	}
	pthread_mutex_unlock(&m->lock);
	/* Here, the guest runs on where it was; a restored copy gets 1. */
	return 0;
}
