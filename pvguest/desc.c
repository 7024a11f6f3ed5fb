// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: our own GDT, TSS and IDT, replacing whatever the loader left
 * (the entry contract promises no IDT at all).
 *
 * The TSS matters for two things: a double fault runs on its own stack
 * (IST1), so a kernel stack overflow still gets reported, and an interrupt
 * from CPL3 (badcalls' user-mode checks) needs RSP0.
 */
#include "arch.h"
#include "desc.h"
#include "string.h"

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct tss64, rsp) == 4, "entry.S: tss+4");

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;	/* P, DPL, type */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

#define GATE_INTR_DPL0	0x8e	/* present, DPL 0, 64-bit interrupt gate */
#define GATE_INTR_DPL3	0xee	/* the same, callable from CPL3 */
#define IST_DF		1

/* entry.S: 256 stubs, 16 bytes apart. */
extern char isr_stubs[];

static uint64_t gdt[7] __attribute__((aligned(16))) = {
	[0] = 0,
	[SEL_KERNEL_CS >> 3] = 0x00af9a000000ffffull,	/* 64-bit code, DPL0 */
	[SEL_KERNEL_DS >> 3] = 0x00cf92000000ffffull,	/* data, DPL0 */
	[SEL_USER_DS >> 3] = 0x00cff2000000ffffull,	/* data, DPL3 */
	[SEL_USER_CS >> 3] = 0x00affa000000ffffull,	/* 64-bit code, DPL3 */
	/* [5], [6]: the TSS descriptor, filled in at run time */
};

/* Global: entry.S sets RSP0 (offset 4) in user_call. */
struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static char df_stack[8192] __attribute__((aligned(16)));

static void set_gate(unsigned int vec, uint8_t type_attr, uint8_t ist)
{
	uint64_t addr = (uintptr_t)isr_stubs + 16 * vec;

	idt[vec] = (struct idt_gate){
		.offset_lo = addr & 0xffff,
		.selector = SEL_KERNEL_CS,
		.ist = ist,
		.type_attr = type_attr,
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_hi = addr >> 32,
	};
}

static void tss_descriptor(void)
{
	uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;

	/* Available 64-bit TSS (type 9), present, DPL0, 16 bytes. */
	gdt[SEL_TSS >> 3] = (limit & 0xffff) | (base & 0xffffff) << 16 |
			    0x89ull << 40 | ((limit >> 16) & 0xf) << 48 |
			    ((base >> 24) & 0xff) << 56;
	gdt[(SEL_TSS >> 3) + 1] = base >> 32;
}

void desc_init(void)
{
	struct desc_ptr gdtr = { sizeof(gdt) - 1, (uintptr_t)gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uintptr_t)idt };

	tss.ist[IST_DF - 1] = (uintptr_t)df_stack + sizeof(df_stack);
	tss.iomap_base = sizeof(tss);	/* no I/O bitmap */
	tss_descriptor();

	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %2, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		"ltr %w3"
		:
		: "m"(gdtr), "i"(SEL_KERNEL_CS), "i"(SEL_KERNEL_DS),
		  "r"((uint16_t)SEL_TSS)
		: "rax", "memory");

	for (unsigned int v = 0; v < 256; v++)
		set_gate(v, GATE_INTR_DPL0, v == 8 ? IST_DF : 0);
	set_gate(VECTOR_USER_RETURN, GATE_INTR_DPL3, 0);
	__asm__ __volatile__("lidt %0" :: "m"(idtr) : "memory");
}
