// SPDX-License-Identifier: GPL-2.0-only
#include <linux/hospes_pv.h>

#include "hypercall.h"
#include "machine.h"
#include "util.h"

typedef __s64 (*hypercall_fn)(struct vcpu *v, const __u64 args[5]);

/*
 * CONSOLE_WRITE(gpa, len). The module checked the buffer against its
 * memslots; this checks it against the VMM's own view of RAM, which is
 * what it actually reads.
 */
static __s64 hc_console_write(struct vcpu *v, const __u64 args[5])
{
	struct machine *m = v->m;
	__u64 gpa = args[0], len = args[1];
	const void *buf;

	if (len > HOSPES_PV_CONSOLE_MAX)
		return -HOSPES_EINVAL;
	buf = gpa_to_host(&m->mem, gpa, len);
	if (!buf)
		return -HOSPES_EFAULT;
	console_write(&m->console, buf, len);
	return len;
}

/* The guest answers HOSPES_PV_PORT_SUSPEND (pause.c). */
static __s64 hc_suspend(struct vcpu *v, const __u64 args[5])
{
	(void)args;
	return machine_guest_suspends(v);
}

static const hypercall_fn hypercalls[] = {
	[HOSPES_HC_CONSOLE_WRITE] = hc_console_write,
	[HOSPES_HC_SUSPEND] = hc_suspend,
};

__u64 hypercall(struct vcpu *v, __u64 nr, const __u64 args[5])
{
	if (nr >= ARRAY_LEN(hypercalls) || !hypercalls[nr])
		return (__u64)-HOSPES_ENOSYS;
	return hypercalls[nr](v, args);
}
