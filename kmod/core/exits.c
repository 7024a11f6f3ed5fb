// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit handling shared by every backend. A backend decodes its own exit
 * information and calls these; each returns 1 to resume the guest, 0 to
 * return to userspace with the run area filled in, or a negative error.
 */
#include <linux/kernel.h>

#include "hospes.h"

#define X86_UD_VECTOR	6
#define X86_GP_VECTOR	13
#define RFLAGS_IF	BIT(9)

/* The length of the instruction at RIP, for CPUs that don't report it. */
int hospes_insn_length(struct hospes_vcpu *vcpu)
{
	struct hospes_insn insn;
	unsigned int avail;
	u8 bytes[15];
	int ret;

	ret = hospes_fetch_insn(vcpu, bytes, &avail);
	if (ret)
		return ret;
	ret = hospes_insn_decode(bytes, avail, hospes_ops->cpu_mode(vcpu), &insn);
	return ret ? ret : insn.len;
}

int hospes_skip_insn(struct hospes_vcpu *vcpu, unsigned int len)
{
	hospes_ops->clear_interrupt_shadow(vcpu);
	vcpu->rip += len;
	if (hospes_ops->cpu_mode(vcpu) != HOSPES_MODE_64)
		vcpu->rip = (u32)vcpu->rip;
	return 1;
}

int hospes_exit_internal_error(struct hospes_vcpu *vcpu, u32 suberror,
			       u64 data0, u64 data1)
{
	struct hospes_run *run = vcpu->run;

	run->exit_reason = HOSPES_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 2;
	run->internal.data[0] = data0;
	run->internal.data[1] = data1;
	return 0;
}

/*
 * The guest can take an interrupt now (the backend has closed its
 * window): tell userspace if it asked and has nothing queued, else go on
 * and let the run loop inject what is pending.
 */
int hospes_exit_irq_window(struct hospes_vcpu *vcpu)
{
	vcpu->stats.irq_window_exits++;
	if (vcpu->run->request_interrupt_window &&
	    READ_ONCE(vcpu->pending_irq) < 0) {
		vcpu->run->exit_reason = HOSPES_EXIT_IRQ_WINDOW_OPEN;
		return 0;
	}
	return 1;
}

int hospes_exit_ud(struct hospes_vcpu *vcpu)
{
	hospes_ops->inject_exception(vcpu, X86_UD_VECTOR, false, 0);
	return 1;
}

/*
 * RDPMC: the performance counters are the host's, and the guest is shown
 * no PMU, so every counter index is one that does not exist: #GP, on any
 * backend, whatever CR4.PCE says.
 */
int hospes_exit_rdpmc(struct hospes_vcpu *vcpu)
{
	hospes_ops->inject_exception(vcpu, X86_GP_VECTOR, true, 0);
	return 1;
}

int hospes_exit_cpuid(struct hospes_vcpu *vcpu, unsigned int len)
{
	u64 *g = vcpu->gpr;
	u32 eax, ebx, ecx, edx;

	vcpu->stats.cpuid_exits++;
	hospes_cpuid_lookup(vcpu, g[HOSPES_RAX], g[HOSPES_RCX],
			    &eax, &ebx, &ecx, &edx);
	g[HOSPES_RAX] = eax;
	g[HOSPES_RBX] = ebx;
	g[HOSPES_RCX] = ecx;
	g[HOSPES_RDX] = edx;
	return hospes_skip_insn(vcpu, len);
}

int hospes_exit_msr(struct hospes_vcpu *vcpu, bool write, unsigned int len)
{
	u64 *g = vcpu->gpr;
	u32 index = g[HOSPES_RCX];
	u64 data;

	vcpu->stats.msr_exits++;
	if (write) {
		data = (u32)g[HOSPES_RAX] | (g[HOSPES_RDX] << 32);
		if (hospes_msr_set(vcpu, index, data, false))
			goto gp;
	} else {
		if (hospes_msr_get(vcpu, index, &data))
			goto gp;
		g[HOSPES_RAX] = (u32)data;
		g[HOSPES_RDX] = data >> 32;
	}
	return hospes_skip_insn(vcpu, len);
gp:
	hospes_ops->inject_exception(vcpu, X86_GP_VECTOR, true, 0);
	return 1;
}

int hospes_exit_io(struct hospes_vcpu *vcpu, u16 port, u8 size, bool in,
		   bool string, u64 next_rip)
{
	struct hospes_run *run = vcpu->run;

	vcpu->stats.io_exits++;
	if (string)
		return hospes_exit_internal_error(vcpu,
						  HOSPES_INTERNAL_ERROR_STRING_IO,
						  port, vcpu->rip);
	run->exit_reason = HOSPES_EXIT_IO;
	run->io.port = port;
	run->io.size = size;
	run->io.direction = in ? HOSPES_EXIT_IO_IN : HOSPES_EXIT_IO_OUT;
	run->io.pad = 0;
	if (in) {
		run->io.data = 0;
		vcpu->pending = (struct hospes_pending) {
			.op = HOSPES_PENDING_IO_IN, .size = size,
			.next_rip = next_rip,
		};
	} else {
		run->io.data = vcpu->gpr[HOSPES_RAX] &
			       (size == 4 ? 0xffffffffULL : (1ULL << (8 * size)) - 1);
		hospes_skip_insn(vcpu, next_rip - vcpu->rip);
	}
	return 0;
}

/*
 * HLT with interrupts enabled sleeps in the kernel until an interrupt is
 * queued; with interrupts disabled nothing could ever wake the vCPU, so
 * userspace is told instead.
 */
int hospes_exit_hlt(struct hospes_vcpu *vcpu, unsigned int len)
{
	vcpu->stats.hlt_exits++;
	hospes_skip_insn(vcpu, len);
	if (!(vcpu->rflags & RFLAGS_IF)) {
		vcpu->run->exit_reason = HOSPES_EXIT_HLT;
		return 0;
	}
	if (!hospes_vcpu_has_interrupt(vcpu))
		vcpu->wait = HOSPES_WAIT_HLT;
	return 1;
}

/*
 * A triple fault: the guest is dead as a real CPU would be. Report it with
 * the state it died in; running it again starts from the reset state.
 */
int hospes_exit_shutdown(struct hospes_vcpu *vcpu)
{
	vcpu->run->exit_reason = HOSPES_EXIT_SHUTDOWN;
	vcpu->reset_pending = true;
	return 0;
}
