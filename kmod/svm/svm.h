/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The AMD SVM backend's private state.
 */
#ifndef HOSPES_SVM_H
#define HOSPES_SVM_H

#include <asm/svm.h>

#include "../core/hospes.h"

struct svm_vcpu {
	struct vmcb *vmcb;
	phys_addr_t vmcb_pa;
	/* ASID: valid on asid_cpu while that CPU's generation is unchanged. */
	u32 asid;
	int asid_cpu;
	u64 asid_generation;
	/*
	 * DR0-3 are not part of the VMCB. Accesses are intercepted until the
	 * guest first touches them; from then on they are switched by hand.
	 */
	bool owns_debug_regs;
	unsigned long db[4];
};

static inline struct svm_vcpu *to_svm(struct hospes_vcpu *vcpu)
{
	return vcpu->arch;
}

static inline void svm_set_intercept(struct vmcb_control_area *c, int bit)
{
	c->intercepts[bit / 32] |= BIT(bit % 32);
}

static inline void svm_clear_intercept(struct vmcb_control_area *c, int bit)
{
	c->intercepts[bit / 32] &= ~BIT(bit % 32);
}

/* svm_vmenter.S */
void hospes_svm_vmrun(unsigned long vmcb_pa, u64 *gprs,
		      unsigned long host_save_pa);

/* svm.c */
extern bool svm_has_nrips;
void svm_init_vmcb_save(struct hospes_vcpu *vcpu);

/* svm_exits.c */
int svm_handle_exit(struct hospes_vcpu *vcpu);

#endif /* HOSPES_SVM_H */
