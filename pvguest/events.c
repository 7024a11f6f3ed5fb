// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: event channels. One vCPU, so vcpu_info[0] is ours.
 */
#include "console.h"
#include "events.h"
#include "hypercall.h"
#include "kernel.h"
#include "string.h"

/* A whole page of its own: the hypervisor pins and writes it. */
static union {
	struct hospes_shared_info info;
	char page[4096];
} shinfo_page __attribute__((aligned(4096)));
_Static_assert(sizeof(struct hospes_shared_info) <= 4096,
	       "shared info fits a page");

struct hospes_shared_info *shared_info;
struct event_stats event_stats;

static struct {
	evtchn_handler_t fn;
	void *data;
} handlers[HOSPES_PV_EVTCHN_PORTS];

void events_init(void)
{
	long rc;

	memset(&shinfo_page, 0, sizeof(shinfo_page));
	rc = hc_set_shared_info(&shinfo_page, VECTOR_UPCALL);
	if (rc < 0)
		panic("SET_SHARED_INFO failed: %ld", rc);
	shared_info = &shinfo_page.info;
}

static bool port_taken(unsigned int port)
{
	if (port == 0 || port == HOSPES_PV_PORT_SUSPEND || handlers[port].fn)
		return true;
	for (uint32_t i = 0; i < start_info->nr_devices &&
			     i < HOSPES_PV_MAX_DEVICES; i++)
		if (start_info->devices[i].port == port)
			return true;
	return false;
}

unsigned int evtchn_alloc_port(void)
{
	for (unsigned int port = HOSPES_PV_EVTCHN_PORTS - 1; port; port--)
		if (!port_taken(port))
			return port;
	panic("no free event port");
}

void evtchn_bind(unsigned int port, evtchn_handler_t fn, void *data)
{
	uint64_t flags = irq_save();

	if (port >= HOSPES_PV_EVTCHN_PORTS)
		panic("evtchn_bind: bad port %u", port);
	handlers[port].fn = fn;
	handlers[port].data = data;
	irq_restore(flags);
	evtchn_unmask(port);
}

void evtchn_unbind(unsigned int port)
{
	uint64_t flags = irq_save();

	evtchn_mask(port);
	handlers[port].fn = NULL;
	handlers[port].data = NULL;
	irq_restore(flags);
}

void evtchn_mask(unsigned int port)
{
	set_bit64(&shared_info->evtchn_mask[port / 64], port % 64);
}

/* The hypercall clears the bit and delivers an event left pending. */
void evtchn_unmask(unsigned int port)
{
	long rc = hc_evtchn_unmask(port);

	if (rc < 0)
		panic("EVTCHN_UNMASK(%u) failed: %ld", port, rc);
}

static void dispatch(unsigned int port)
{
	event_stats.events++;
	if (handlers[port].fn) {
		handlers[port].fn(port, handlers[port].data);
	} else if (event_stats.unbound++ < 8) {
		printk("pvguest: event on port %u, which has no handler\n",
		       port);
	}
}

/*
 * Scan with interrupts off. upcall_pending is cleared before pending_sel
 * is taken, so an event raised meanwhile sets it again and we go round.
 */
static void scan(void)
{
	struct hospes_pv_vcpu_info *v = &shared_info->vcpu_info[0];

	while (READ_ONCE(v->upcall_pending)) {
		uint64_t sel;

		WRITE_ONCE(v->upcall_pending, 0);
		sel = __atomic_exchange_n(&v->pending_sel, 0, __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned int w = __builtin_ctzll(sel);
			uint64_t bits;

			sel &= sel - 1;
			bits = __atomic_load_n(&shared_info->evtchn_pending[w],
					       __ATOMIC_SEQ_CST) &
			       ~READ_ONCE(shared_info->evtchn_mask[w]);
			while (bits) {
				unsigned int b = __builtin_ctzll(bits);

				bits &= bits - 1;
				if (test_and_clear_bit64(
					    &shared_info->evtchn_pending[w], b))
					dispatch(w * 64 + b);
			}
		}
	}
}

void evtchn_upcall(void)
{
	event_stats.upcalls++;
	if (shared_info)
		scan();
}

void block(void)
{
	struct hospes_pv_vcpu_info *v = &shared_info->vcpu_info[0];

	if (!READ_ONCE(v->upcall_pending)) {
		event_stats.blocks++;
		hc_block();
	}
	/* The upcall interrupt is taken in this window... */
	irq_enable();
	irq_disable();
	/* ...or, if the hypervisor has not delivered it yet, we go get it. */
	if (READ_ONCE(v->upcall_pending)) {
		event_stats.polled++;
		scan();
	}
}
