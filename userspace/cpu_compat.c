// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu_compat.h"
#include "util.h"

enum { EAX, EBX, ECX, EDX };

static const char *const reg_names[] = { "eax", "ebx", "ecx", "edx" };

/*
 * The registers whose bits enable instructions or architectural state,
 * with the bits hospes makes in software (so offered on any host) and the
 * names of the bits a guest is likely to have been offered.
 */
struct feature_reg {
	uint32_t function, index;
	int reg;
	uint32_t software;
	const char *names[32];
};

static const struct feature_reg feature_regs[] = {
	{ 0x1, 0, ECX, 1u << 24 | 1u << 31,	/* TSC deadline, hypervisor */
	  { [0] = "sse3", [1] = "pclmulqdq", [9] = "ssse3", [12] = "fma",
	    [13] = "cx16", [19] = "sse4.1", [20] = "sse4.2", [22] = "movbe",
	    [23] = "popcnt", [25] = "aes", [26] = "xsave", [28] = "avx",
	    [29] = "f16c", [30] = "rdrand" } },
	{ 0x1, 0, EDX, 0,
	  { [0] = "fpu", [1] = "vme", [2] = "de", [3] = "pse", [4] = "tsc",
	    [5] = "msr", [6] = "pae", [7] = "mce", [8] = "cx8", [9] = "apic",
	    [11] = "sep", [12] = "mtrr", [13] = "pge", [14] = "mca",
	    [15] = "cmov", [16] = "pat", [17] = "pse36", [19] = "clflush",
	    [23] = "mmx", [24] = "fxsr", [25] = "sse", [26] = "sse2" } },
	{ 0x7, 0, EBX, 0,
	  { [0] = "fsgsbase", [3] = "bmi1", [5] = "avx2", [7] = "smep",
	    [8] = "bmi2", [9] = "erms", [18] = "rdseed", [19] = "adx",
	    [20] = "smap", [23] = "clflushopt", [29] = "sha" } },
	{ 0x7, 0, ECX, 0, { [0] = "prefetchwt1", [9] = "vaes" } },
	{ 0x7, 0, EDX, 0, { [4] = "fsrm" } },
	{ 0x80000001, 0, ECX, 0,
	  { [0] = "lahf_lm", [5] = "abm", [6] = "sse4a", [7] = "misalignsse",
	    [8] = "3dnowprefetch" } },
	{ 0x80000001, 0, EDX, 0,
	  { [11] = "syscall", [20] = "nx", [22] = "mmxext", [25] = "fxsr_opt",
	    [26] = "pdpe1gb", [27] = "rdtscp", [29] = "lm" } },
	{ 0x80000007, 0, EDX, 0, { [8] = "invtsc" } },
};

static const struct hospes_cpuid_entry *find(const struct hospes_cpuid *t,
					     uint32_t function, uint32_t index)
{
	uint32_t i;

	for (i = 0; i < t->nent; i++) {
		const struct hospes_cpuid_entry *e = &t->entries[i];

		if (e->function == function &&
		    (!(e->flags & HOSPES_CPUID_FLAG_INDEXED) || e->index == index))
			return e;
	}
	return NULL;
}

static uint32_t reg_of(const struct hospes_cpuid_entry *e, int reg)
{
	if (!e)
		return 0;
	switch (reg) {
	case EAX: return e->eax;
	case EBX: return e->ebx;
	case ECX: return e->ecx;
	default: return e->edx;
	}
}

/* The error message, appended to as far as it goes. */
struct msg {
	char *buf;
	size_t len, used;
	unsigned int missing;		/* features named so far */
};

static void add(struct msg *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct msg *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (m->used >= m->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->used, m->len - m->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		m->used += n;
}

/* Name one more missing feature. */
static void missing(struct msg *m, const char *what)
{
	add(m, "%s%s", m->missing++ ? ", " : "", what);
}

static void name_missing(struct msg *m, const struct feature_reg *f,
			 uint32_t bits)
{
	unsigned int bit;
	char what[48];

	for (bit = 0; bit < 32; bit++) {
		if (!(bits >> bit & 1))
			continue;
		if (f->names[bit])
			snprintf(what, sizeof(what), "%s", f->names[bit]);
		else
			snprintf(what, sizeof(what), "leaf %#x %s bit %u",
				 f->function, reg_names[f->reg], bit);
		missing(m, what);
	}
}

int cpuid_compat_check(const struct hospes_cpuid *guest,
		       const struct hospes_cpuid *host, char *err,
		       size_t errlen)
{
	struct msg m = { .buf = err, .len = errlen };
	const struct hospes_cpuid_entry *g, *h;
	unsigned int i, gbits, hbits;
	char what[64];

	add(&m, "the guest was offered CPU features this host lacks: ");
	for (i = 0; i < ARRAY_LEN(feature_regs); i++) {
		const struct feature_reg *f = &feature_regs[i];

		g = find(guest, f->function, f->index);
		h = find(host, f->function, f->index);
		name_missing(&m, f, reg_of(g, f->reg) & ~reg_of(h, f->reg) &
				    ~f->software);
	}
	/*
	 * Guest page tables may use every physical and linear address bit
	 * the guest was told of (leaf 0x80000008 EAX: bits 0-7, 8-15).
	 */
	for (i = 0; i < 2; i++) {
		static const char *const kind[] = { "physical", "linear" };

		gbits = reg_of(find(guest, 0x80000008, 0), EAX) >> (8 * i) & 0xff;
		hbits = reg_of(find(host, 0x80000008, 0), EAX) >> (8 * i) & 0xff;
		if (gbits > hbits) {
			snprintf(what, sizeof(what), "%u %s address bits (this host has %u)",
				 gbits, kind[i], hbits);
			missing(&m, what);
		}
	}
	if (m.missing)
		return -1;
	if (errlen)
		err[0] = '\0';
	return 0;
}
