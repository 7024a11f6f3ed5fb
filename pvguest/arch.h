/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: the few x86-64 instructions C needs, as inline functions, and
 * the segment selectors of our GDT (desc.c).
 */
#ifndef PVGUEST_ARCH_H
#define PVGUEST_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE		4096ull
#define PAGE_ALIGN(x)		(((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

/* GDT layout (desc.c). User segments exist for the CPL3 checks of badcalls. */
#define SEL_KERNEL_CS		0x08
#define SEL_KERNEL_DS		0x10
#define SEL_USER_DS		(0x18 | 3)
#define SEL_USER_CS		(0x20 | 3)
#define SEL_TSS			0x28

/* Interrupt vectors we use besides the exceptions. */
#define VECTOR_UPCALL		0xf0	/* event-channel upcall (SET_SHARED_INFO) */
#define VECTOR_USER_RETURN	0x80	/* int $0x80: CPL3 code hands back to us */

#define X86_CR4_SMEP		(1ull << 20)
#define X86_CR4_SMAP		(1ull << 21)
#define X86_RFLAGS_IF		(1ull << 9)

#define barrier()		__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define noreturn		_Noreturn

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
			 uint32_t *c, uint32_t *d)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(sub));
}

/* lfence first, so the TSC is not read ahead of the loads before it. */
static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((uint64_t)hi << 32) | lo;
}

static inline void irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

/* sti, then one more instruction: a pending interrupt is taken here. */
static inline void irq_enable(void)
{
	__asm__ __volatile__("sti; nop" ::: "memory");
}

static inline uint64_t read_rflags(void)
{
	uint64_t f;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) :: "memory");
	return f;
}

static inline uint64_t irq_save(void)
{
	uint64_t f = read_rflags();

	irq_disable();
	return f;
}

static inline void irq_restore(uint64_t flags)
{
	if (flags & X86_RFLAGS_IF)
		irq_enable();
}

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

static inline void halt(void)
{
	__asm__ __volatile__("hlt" ::: "memory");
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" :: "a"(v), "Nd"(port) : "memory");
}

#define DEFINE_CR(n)							\
static inline uint64_t read_cr##n(void)					\
{									\
	uint64_t v;							\
	__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v));		\
	return v;							\
}									\
static inline void write_cr##n(uint64_t v)				\
{									\
	__asm__ __volatile__("mov %0, %%cr" #n :: "r"(v) : "memory");	\
}
DEFINE_CR(0)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

/*
 * Atomic bit operations on 64-bit words shared with the hypervisor (the
 * ABI header declares them __u64, which is unsigned long long).
 */
static inline bool test_and_clear_bit64(unsigned long long *word,
					unsigned int bit)
{
	unsigned long long mask = 1ull << bit;

	return __atomic_fetch_and(word, ~mask, __ATOMIC_SEQ_CST) & mask;
}

static inline void set_bit64(unsigned long long *word, unsigned int bit)
{
	__atomic_fetch_or(word, 1ull << bit, __ATOMIC_SEQ_CST);
}

static inline void clear_bit64(unsigned long long *word, unsigned int bit)
{
	__atomic_fetch_and(word, ~(1ull << bit), __ATOMIC_SEQ_CST);
}

#endif /* PVGUEST_ARCH_H */
