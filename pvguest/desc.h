/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: descriptor tables (GDT with TSS, IDT) and the trap entry. */
#ifndef PVGUEST_DESC_H
#define PVGUEST_DESC_H

#include <stdint.h>

/* What entry.S pushes, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

void desc_init(void);
void trap_dispatch(struct trap_frame *f);

/*
 * Run fn(arg) at CPL3 on its own stack, with interrupts off, until it
 * executes int $VECTOR_USER_RETURN; returns its RAX then. If it takes an
 * exception instead, returns USER_FAULT(vector).
 */
#define USER_FAULT(vec)		(-0x1000L - (long)(vec))
long user_call(void (*fn)(void), uint64_t arg, void *stack_top);

#endif /* PVGUEST_DESC_H */
