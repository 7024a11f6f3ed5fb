/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypercalls the module passes to the VMM (HOSPES_EXIT_HYPERCALL):
 * console output, suspend, and the VMM's own range from HOSPES_HC_VMM_BASE.
 */
#ifndef HOSPES_HYPERCALL_H
#define HOSPES_HYPERCALL_H

#include <linux/types.h>

struct vcpu;

/* The value for the guest's RAX: >= 0, or a negated HOSPES_E* error. */
__u64 hypercall(struct vcpu *v, __u64 nr, const __u64 args[5]);

#endif /* HOSPES_HYPERCALL_H */
