/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: hypercall wrappers. The convention (linux/hospes_pv.h): number
 * in RAX, arguments in RDI, RSI, RDX, R10, R8, result in RAX (>= 0, or a
 * negated HOSPES_E* value). The instruction, VMMCALL or VMCALL, is the one
 * CPUID 0x40000001 ECX names; hypercall_probe() finds it before any call.
 */
#ifndef PVGUEST_HYPERCALL_H
#define PVGUEST_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/hospes_pv.h>

struct hospes_probe {
	bool present;		/* the "HospesHospes" signature was found */
	uint32_t max_leaf;
	uint32_t abi_version;
	uint32_t features;	/* HOSPES_PV_F_* */
	uint32_t insn;		/* HOSPES_PV_INSN_* */
};

extern struct hospes_probe hospes;

void hypercall_probe(void);
const char *hypercall_insn_name(void);

static inline long hypercall5(uint64_t nr, uint64_t a1, uint64_t a2,
			      uint64_t a3, uint64_t a4, uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	uint64_t ret;

	/*
	 * The hypervisor changes only RAX. The "+" constraints tell the
	 * compiler nothing more than that; "memory" because calls read and
	 * write guest memory.
	 */
	if (hospes.insn == HOSPES_PV_INSN_VMCALL)
		__asm__ __volatile__("vmcall"
				     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3),
				       "+r"(r10), "+r"(r8)
				     : "a"(nr)
				     : "memory");
	else
		__asm__ __volatile__("vmmcall"
				     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3),
				       "+r"(r10), "+r"(r8)
				     : "a"(nr)
				     : "memory");
	return (long)ret;
}

#define hypercall0(nr)			hypercall5(nr, 0, 0, 0, 0, 0)
#define hypercall1(nr, a)		hypercall5(nr, a, 0, 0, 0, 0)
#define hypercall2(nr, a, b)		hypercall5(nr, a, b, 0, 0, 0)

static inline long hc_console_write(const void *buf, uint64_t len)
{
	return hypercall2(HOSPES_HC_CONSOLE_WRITE, (uintptr_t)buf, len);
}

static inline long hc_set_shared_info(void *page, uint64_t vector)
{
	return hypercall2(HOSPES_HC_SET_SHARED_INFO, (uintptr_t)page, vector);
}

static inline long hc_get_time(struct hospes_pv_time_now *now)
{
	return hypercall1(HOSPES_HC_GET_TIME, (uintptr_t)now);
}

static inline long hc_set_timer(uint64_t deadline_ns, uint64_t port)
{
	return hypercall2(HOSPES_HC_SET_TIMER, deadline_ns, port);
}

static inline long hc_evtchn_bind(uint64_t port, uint64_t vcpu)
{
	return hypercall2(HOSPES_HC_EVTCHN_BIND, port, vcpu);
}

static inline long hc_evtchn_notify(uint64_t port)
{
	return hypercall1(HOSPES_HC_EVTCHN_NOTIFY, port);
}

static inline long hc_evtchn_unmask(uint64_t port)
{
	return hypercall1(HOSPES_HC_EVTCHN_UNMASK, port);
}

static inline long hc_yield(void)
{
	return hypercall0(HOSPES_HC_YIELD);
}

static inline long hc_block(void)
{
	return hypercall0(HOSPES_HC_BLOCK);
}

/* Returns only if the hypervisor refused (bad reason). */
static inline long hc_shutdown(uint64_t reason, uint64_t code)
{
	return hypercall2(HOSPES_HC_SHUTDOWN, reason, code);
}

static inline long hc_suspend(void)
{
	return hypercall0(HOSPES_HC_SUSPEND);
}

#endif /* PVGUEST_HYPERCALL_H */
