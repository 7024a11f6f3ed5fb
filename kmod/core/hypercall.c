// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypercall ABI (linux/hospes_pv.h): number in RAX, arguments in RDI,
 * RSI, RDX, R10, R8, result in RAX. Calls are dispatched through a table
 * indexed by number. Most are served here; console output, suspend and the
 * VMM's own range go to userspace.
 */
#include <linux/sched.h>

#include "hospes.h"

/*
 * What a handler wants: resume with RAX = result; exit to userspace, which
 * supplies the result; or exit with the call complete and RAX = result.
 */
enum hc_action {
	HC_RESUME,
	HC_EXIT_FOR_RESULT,
	HC_EXIT_COMPLETE,
};

struct hc_call {
	struct hospes_vcpu *vcpu;
	u64 nr;
	u64 args[5];
	s64 result;
};

/* Pass the call to userspace; its answer lands in RAX on the next run. */
static enum hc_action hc_to_user(struct hc_call *c)
{
	struct hospes_run *run = c->vcpu->run;

	run->exit_reason = HOSPES_EXIT_HYPERCALL;
	run->hypercall.nr = c->nr;
	memcpy(run->hypercall.args, c->args, sizeof(c->args));
	run->hypercall.ret = 0;
	return HC_EXIT_FOR_RESULT;
}

static enum hc_action hc_console_write(struct hc_call *c)
{
	u64 gpa = c->args[0], len = c->args[1];

	if (len > HOSPES_PV_CONSOLE_MAX)
		c->result = -EINVAL;
	else if (!hospes_gpa_range_is_ram(c->vcpu->vm, gpa, len))
		c->result = -EFAULT;
	else
		return hc_to_user(c);
	return HC_RESUME;
}

static enum hc_action hc_set_shared_info(struct hc_call *c)
{
	c->result = hospes_set_shared_info(c->vcpu->vm, c->args[0], c->args[1]);
	return HC_RESUME;
}

static enum hc_action hc_get_time(struct hc_call *c)
{
	c->result = hospes_get_time(c->vcpu, c->args[0]);
	return HC_RESUME;
}

static enum hc_action hc_set_timer(struct hc_call *c)
{
	c->result = hospes_set_timer(c->vcpu, c->args[0], c->args[1]);
	return HC_RESUME;
}

static enum hc_action hc_evtchn_bind(struct hc_call *c)
{
	c->result = hospes_evtchn_bind(c->vcpu->vm, c->args[0], c->args[1]);
	return HC_RESUME;
}

static enum hc_action hc_evtchn_notify(struct hc_call *c)
{
	struct hospes_run *run = c->vcpu->run;

	if (c->args[0] >= HOSPES_PV_EVTCHN_PORTS) {
		c->result = -EINVAL;
		return HC_RESUME;
	}
	run->exit_reason = HOSPES_EXIT_EVTCHN;
	run->evtchn.port = c->args[0];
	run->evtchn.pad = 0;
	c->result = 0;
	return HC_EXIT_COMPLETE;
}

static enum hc_action hc_evtchn_unmask(struct hc_call *c)
{
	c->result = hospes_evtchn_unmask(c->vcpu->vm, c->args[0]);
	return HC_RESUME;
}

/* Let whatever else wants this host CPU run before the guest goes on. */
static enum hc_action hc_yield(struct hc_call *c)
{
	c->result = 0;
	cond_resched();
	return HC_RESUME;
}

/* Sleep in the run loop until an event is pending for this vCPU. */
static enum hc_action hc_block(struct hc_call *c)
{
	struct hospes_vcpu *vcpu = c->vcpu;

	if (READ_ONCE(vcpu->pending_irq) < 0 &&
	    !hospes_evtchn_upcall(vcpu, true))
		vcpu->wait = HOSPES_WAIT_PV_BLOCK;
	return HC_RESUME;
}

static enum hc_action hc_shutdown(struct hc_call *c)
{
	struct hospes_run *run = c->vcpu->run;

	if (c->args[0] > HOSPES_SHUTDOWN_CRASH) {
		c->result = -EINVAL;
		return HC_RESUME;
	}
	run->exit_reason = HOSPES_EXIT_SYSTEM_EVENT;
	run->system_event.type = c->args[0];
	run->system_event.pad = 0;
	run->system_event.code = c->args[1];
	c->result = 0;
	return HC_EXIT_COMPLETE;
}

static enum hc_action (*const hypercalls[])(struct hc_call *c) = {
	[HOSPES_HC_CONSOLE_WRITE]	= hc_console_write,
	[HOSPES_HC_SET_SHARED_INFO]	= hc_set_shared_info,
	[HOSPES_HC_GET_TIME]		= hc_get_time,
	[HOSPES_HC_SET_TIMER]		= hc_set_timer,
	[HOSPES_HC_EVTCHN_BIND]		= hc_evtchn_bind,
	[HOSPES_HC_EVTCHN_NOTIFY]	= hc_evtchn_notify,
	[HOSPES_HC_EVTCHN_UNMASK]	= hc_evtchn_unmask,
	[HOSPES_HC_YIELD]		= hc_yield,
	[HOSPES_HC_BLOCK]		= hc_block,
	[HOSPES_HC_SHUTDOWN]		= hc_shutdown,
	[HOSPES_HC_SUSPEND]		= hc_to_user,
};

int hospes_exit_hypercall(struct hospes_vcpu *vcpu, unsigned int len)
{
	u64 *g = vcpu->gpr;
	struct hc_call c = {
		.vcpu = vcpu,
		.nr = g[HOSPES_RAX],
		.args = { g[HOSPES_RDI], g[HOSPES_RSI], g[HOSPES_RDX],
			  g[HOSPES_R10], g[HOSPES_R8] },
		.result = -HOSPES_ENOSYS,
	};
	enum hc_action action = HC_RESUME;

	vcpu->stats.hypercall_exits++;
	if (hospes_ops->cpl(vcpu) != 0)
		c.result = -HOSPES_EPERM;
	else if (c.nr >= HOSPES_HC_VMM_BASE)
		action = hc_to_user(&c);
	else if (c.nr < ARRAY_SIZE(hypercalls) && hypercalls[c.nr])
		action = hypercalls[c.nr](&c);

	if (action == HC_EXIT_FOR_RESULT) {
		vcpu->pending = (struct hospes_pending) {
			.op = HOSPES_PENDING_HYPERCALL,
			.next_rip = vcpu->rip + len,
		};
		return 0;
	}
	g[HOSPES_RAX] = c.result;
	hospes_skip_insn(vcpu, len);
	return action == HC_RESUME;
}
