// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: where every interrupt and exception lands. The upcall vector
 * goes to the event code, int $0x80 from CPL3 ends a user_call; anything
 * else is a bug in this kernel (or in what the hypervisor injected): print
 * the vector, error code, RIP and registers, then SHUTDOWN(CRASH).
 */
#include "console.h"
#include "desc.h"
#include "events.h"
#include "kernel.h"

extern char user_call_return[];
extern uint64_t user_saved_rsp;

static const char *const exception_names[32] = {
	[0] = "#DE divide error",
	[1] = "#DB debug",
	[2] = "NMI",
	[3] = "#BP breakpoint",
	[4] = "#OF overflow",
	[5] = "#BR bound range",
	[6] = "#UD invalid opcode",
	[7] = "#NM device not available",
	[8] = "#DF double fault",
	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present",
	[12] = "#SS stack fault",
	[13] = "#GP general protection",
	[14] = "#PF page fault",
	[16] = "#MF x87 error",
	[17] = "#AC alignment check",
	[18] = "#MC machine check",
	[19] = "#XM SIMD error",
	[20] = "#VE virtualization",
	[21] = "#CP control protection",
	[29] = "#VC VMM communication",
	[30] = "#SX security",
};

/* Back to user_call's caller, at CPL0, with result in RAX. */
static void end_user_call(struct trap_frame *f, uint64_t result)
{
	f->rax = result;
	f->rip = (uintptr_t)user_call_return;
	f->cs = SEL_KERNEL_CS;
	f->ss = SEL_KERNEL_DS;
	f->rsp = user_saved_rsp;
	f->rflags = 0x2;
}

static noreturn void fatal_trap(struct trap_frame *f)
{
	const char *name = f->vector < 32 ? exception_names[f->vector] : NULL;

	irq_disable();
	console_break_line();
	printk("pvguest: %s %s (vector %llu) error=0x%llx rip=0x%llx "
	       "cs=0x%llx rflags=0x%llx\n",
	       f->vector < 32 ? "exception" : "unexpected interrupt",
	       name ? name : "reserved", (unsigned long long)f->vector,
	       (unsigned long long)f->error, (unsigned long long)f->rip,
	       (unsigned long long)f->cs, (unsigned long long)f->rflags);
	if (f->vector == 14)
		printk("pvguest: cr2=0x%llx (%s, %s, %s)\n",
		       (unsigned long long)read_cr2(),
		       f->error & 1 ? "protection" : "not present",
		       f->error & 2 ? "write" : "read",
		       f->error & 16 ? "fetch" : "data");
	printk("rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n"
	       "rsi=%016llx rdi=%016llx rbp=%016llx rsp=%016llx\n"
	       "r8 =%016llx r9 =%016llx r10=%016llx r11=%016llx\n"
	       "r12=%016llx r13=%016llx r14=%016llx r15=%016llx\n",
	       (unsigned long long)f->rax, (unsigned long long)f->rbx,
	       (unsigned long long)f->rcx, (unsigned long long)f->rdx,
	       (unsigned long long)f->rsi, (unsigned long long)f->rdi,
	       (unsigned long long)f->rbp, (unsigned long long)f->rsp,
	       (unsigned long long)f->r8, (unsigned long long)f->r9,
	       (unsigned long long)f->r10, (unsigned long long)f->r11,
	       (unsigned long long)f->r12, (unsigned long long)f->r13,
	       (unsigned long long)f->r14, (unsigned long long)f->r15);
	backtrace(f->rbp);
	shutdown(HOSPES_SHUTDOWN_CRASH, CRASH_EXCEPTION(f->vector));
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector == VECTOR_UPCALL) {
		evtchn_upcall();
		return;
	}
	if (f->cs & 3) {
		/* From CPL3: only user_call runs code there. */
		if (f->vector == VECTOR_USER_RETURN)
			end_user_call(f, f->rax);
		else
			end_user_call(f, (uint64_t)USER_FAULT(f->vector));
		return;
	}
	fatal_trap(f);
}
