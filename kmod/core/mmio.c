// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO emulation: a guest access to a guest-physical address outside RAM
 * (or a write to a read-only slot) stops with only the address known. The
 * instruction is fetched through the guest's own page tables, decoded, and
 * turned into a read or a write userspace performs.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "hospes.h"

#define PTE_PRESENT	BIT_ULL(0)
#define PTE_LARGE	BIT_ULL(7)
#define PTE_ADDR	GENMASK_ULL(51, 12)

/* Read a guest page-table entry of 4 or 8 bytes. */
static int read_pte(struct hospes_vcpu *vcpu, u64 gpa, unsigned int size,
		    u64 *pte)
{
	u32 pte32;
	int ret;

	if (size == 8)
		return hospes_read_guest(vcpu->vm, gpa, pte, 8);
	ret = hospes_read_guest(vcpu->vm, gpa, &pte32, 4);
	*pte = pte32;
	return ret;
}

/*
 * Translate a linear address the way the guest's MMU would, without
 * permission checks: the CPU already made those when it ran the access.
 */
static int guest_translate(struct hospes_vcpu *vcpu, u64 la, u64 *gpa)
{
	u64 cr0, cr3, cr4, efer, table, pte;
	unsigned int levels, size, shift, level;
	int ret;

	hospes_ops->paging_state(vcpu, &cr0, &cr3, &cr4, &efer);
	if (!(cr0 & X86_CR0_PG)) {
		*gpa = (u32)la;
		return 0;
	}
	if (efer & EFER_LMA) {
		levels = (cr4 & X86_CR4_LA57) ? 5 : 4;
		size = 8;
		table = cr3 & PTE_ADDR;
	} else if (cr4 & X86_CR4_PAE) {
		la = (u32)la;
		ret = read_pte(vcpu, (cr3 & GENMASK_ULL(31, 5)) + 8 * (la >> 30),
			       8, &pte);
		if (ret || !(pte & PTE_PRESENT))
			return -EFAULT;
		levels = 2;
		size = 8;
		table = pte & PTE_ADDR;
	} else {
		la = (u32)la;
		levels = 2;
		size = 4;
		table = cr3 & GENMASK_ULL(31, 12);
	}

	for (level = levels; level >= 1; level--) {
		unsigned int bits = size == 8 ? 9 : 10;

		shift = 12 + bits * (level - 1);
		ret = read_pte(vcpu, table + size * ((la >> shift) &
						     ((1u << bits) - 1)),
			       size, &pte);
		if (ret || !(pte & PTE_PRESENT))
			return -EFAULT;
		if (level > 1 && (pte & PTE_LARGE) &&
		    (size == 8 || (cr4 & X86_CR4_PSE))) {
			/* 4 MiB pages of 32-bit paging keep 31:22 only. */
			u64 base = size == 8 ? pte & PTE_ADDR :
				   pte & GENMASK_ULL(31, 22);

			*gpa = (base & ~((1ULL << shift) - 1)) |
			       (la & ((1ULL << shift) - 1));
			return 0;
		}
		table = size == 8 ? pte & PTE_ADDR : pte & GENMASK_ULL(31, 12);
	}
	*gpa = table | (la & (PAGE_SIZE - 1));
	return 0;
}

/* Fetch up to 15 bytes at CS:RIP; *len says how many could be read. */
int hospes_fetch_insn(struct hospes_vcpu *vcpu, u8 *bytes, unsigned int *len)
{
	u64 la = hospes_ops->cs_base(vcpu) + vcpu->rip;
	unsigned int got = 0;

	while (got < 15) {
		unsigned int chunk = min_t(unsigned int, 15 - got,
					   PAGE_SIZE - offset_in_page(la + got));
		u64 gpa;

		if (guest_translate(vcpu, la + got, &gpa) ||
		    hospes_read_guest(vcpu->vm, gpa, bytes + got, chunk))
			break;
		got += chunk;
	}
	*len = got;
	return got ? 0 : -EFAULT;
}

/* The interrupt controllers the kernel emulates itself. */
static bool kernel_mmio(struct hospes_vcpu *vcpu, u64 gpa, unsigned int len,
			bool write, u64 *data)
{
	return hospes_lapic_mmio(vcpu, gpa, len, write, data) ||
	       hospes_ioapic_mmio(vcpu, gpa, len, write, data);
}

static u64 reg_read(struct hospes_vcpu *vcpu, const struct hospes_insn *insn)
{
	if (insn->high_byte)
		return (vcpu->gpr[insn->reg - 4] >> 8) & 0xff;
	return vcpu->gpr[insn->reg];
}

int hospes_emulate_mmio(struct hospes_vcpu *vcpu, u64 gpa, bool write)
{
	struct hospes_run *run = vcpu->run;
	struct hospes_insn insn;
	unsigned int avail;
	u8 bytes[15];
	u64 value;
	int ret;

	vcpu->stats.mmio_exits++;
	ret = hospes_fetch_insn(vcpu, bytes, &avail);
	if (!ret)
		ret = hospes_insn_decode(bytes, avail,
					 hospes_ops->cpu_mode(vcpu), &insn);
	if (ret)
		goto fail;

	run->exit_reason = HOSPES_EXIT_MMIO;
	run->mmio.gpa = gpa;
	run->mmio.len = insn.mem_size;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	memset(run->mmio.pad, 0, sizeof(run->mmio.pad));

	switch (insn.op) {
	case HOSPES_INSN_MOV_STORE:
	case HOSPES_INSN_MOV_STORE_IMM:
		value = insn.op == HOSPES_INSN_MOV_STORE ?
			reg_read(vcpu, &insn) : insn.imm;
		run->mmio.is_write = 1;
		memcpy(run->mmio.data, &value, insn.mem_size);
		hospes_skip_insn(vcpu, insn.len);
		/* The in-kernel APICs need no trip to userspace. */
		if (kernel_mmio(vcpu, gpa, insn.mem_size, true, &value)) {
			run->exit_reason = HOSPES_EXIT_NONE;
			return 1;
		}
		return 0;
	case HOSPES_INSN_MOV_LOAD:
	case HOSPES_INSN_MOVZX:
	case HOSPES_INSN_MOVSX:
		run->mmio.is_write = 0;
		vcpu->pending = (struct hospes_pending) {
			.op = HOSPES_PENDING_MMIO_READ,
			.size = insn.mem_size,
			.reg = insn.reg,
			.dest_size = insn.op_size,
			.high_byte = insn.high_byte,
			.sign_extend = insn.op == HOSPES_INSN_MOVSX,
			.next_rip = vcpu->rip + insn.len,
		};
		value = 0;
		if (kernel_mmio(vcpu, gpa, insn.mem_size, false, &value)) {
			memcpy(run->mmio.data, &value, insn.mem_size);
			hospes_complete_pending(vcpu);
			run->exit_reason = HOSPES_EXIT_NONE;
			return 1;
		}
		return 0;
	default:
		ret = -EOPNOTSUPP;
		break;
	}
fail:
	return hospes_exit_internal_error(vcpu, HOSPES_INTERNAL_ERROR_EMULATION,
					  vcpu->rip, gpa);
}

/* Write what userspace read for the guest into the destination register. */
void hospes_complete_mmio_read(struct hospes_vcpu *vcpu)
{
	const struct hospes_pending *p = &vcpu->pending;
	u64 value = 0, *reg;

	memcpy(&value, vcpu->run->mmio.data, p->size);
	if (p->sign_extend && p->size < 8) {
		unsigned int bits = 64 - 8 * p->size;

		value = (u64)((s64)(value << bits) >> bits);
	}

	if (p->high_byte) {
		reg = &vcpu->gpr[p->reg - 4];
		*reg = (*reg & ~0xff00ULL) | ((value & 0xff) << 8);
		return;
	}
	reg = &vcpu->gpr[p->reg];
	switch (p->dest_size) {
	case 1:
		*reg = (*reg & ~0xffULL) | (value & 0xff);
		break;
	case 2:
		*reg = (*reg & ~0xffffULL) | (value & 0xffff);
		break;
	case 4:
		/* As on the CPU, a 32-bit destination clears bits 63:32. */
		*reg = (u32)value;
		break;
	default:
		*reg = value;
		break;
	}
}
