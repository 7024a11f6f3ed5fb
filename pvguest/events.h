/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: event channels and sleeping.
 *
 * events_init() registers our shared-info page with the upcall vector.
 * Each port may have a handler; the upcall (or block(), if the interrupt
 * has not come yet) scans pending_sel and evtchn_pending, clears each
 * pending bit atomically and calls the port's handler with interrupts off.
 *
 * wait_event(cond) sleeps in BLOCK until cond, which handlers make true,
 * holds. The check and BLOCK happen with interrupts off, so an event that
 * arrives in between leaves upcall_pending set and BLOCK returns at once:
 * no wake-up is lost.
 */
#ifndef PVGUEST_EVENTS_H
#define PVGUEST_EVENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/hospes_pv.h>

#include "arch.h"

typedef void (*evtchn_handler_t)(unsigned int port, void *data);

extern struct hospes_shared_info *shared_info;	/* NULL until events_init */

void events_init(void);
/*
 * A port for the guest's own use: the highest one that is neither the
 * suspend port nor a device's (the VMM numbers those), not yet taken.
 */
unsigned int evtchn_alloc_port(void);
void evtchn_bind(unsigned int port, evtchn_handler_t fn, void *data);
void evtchn_unbind(unsigned int port);
void evtchn_mask(unsigned int port);
void evtchn_unmask(unsigned int port);
void evtchn_upcall(void);	/* the interrupt handler (traps.c) */

/* Call with interrupts off: sleep until an event came, and handle it. */
void block(void);

#define wait_event(cond)				\
	do {						\
		irq_disable();				\
		while (!(cond))				\
			block();			\
		irq_enable();				\
	} while (0)

struct event_stats {
	uint64_t upcalls;	/* by interrupt */
	uint64_t polled;	/* found by block() before the interrupt came */
	uint64_t blocks;	/* BLOCK hypercalls */
	uint64_t events;	/* handler calls */
	uint64_t unbound;	/* events on ports with no handler */
};
extern struct event_stats event_stats;

#endif /* PVGUEST_EVENTS_H */
