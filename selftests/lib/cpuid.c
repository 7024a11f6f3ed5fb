// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUID tables for HOSPES_SET_CPUID: the default one is the host CPU's own
 * leaves, which hospes then filters down to what it can offer.
 */
#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hospes_util.h"

struct hospes_cpuid *hospes_cpuid_alloc(unsigned int nent)
{
	struct hospes_cpuid *c = calloc(1, sizeof(*c) +
					nent * sizeof(c->entries[0]));

	HOSPES_CHECK(c, "out of memory");
	c->nent = nent;
	return c;
}

struct hospes_cpuid *hospes_cpuid_dup(const struct hospes_cpuid *cpuid)
{
	struct hospes_cpuid *c = hospes_cpuid_alloc(cpuid->nent);

	memcpy(c->entries, cpuid->entries, cpuid->nent * sizeof(c->entries[0]));
	return c;
}

struct hospes_cpuid_entry *hospes_cpuid_find(struct hospes_cpuid *cpuid,
					     uint32_t function, uint32_t index)
{
	unsigned int i;

	for (i = 0; i < cpuid->nent; i++) {
		struct hospes_cpuid_entry *e = &cpuid->entries[i];

		if (e->function == function &&
		    (!(e->flags & HOSPES_CPUID_FLAG_INDEXED) || e->index == index))
			return e;
	}
	return NULL;
}

static void add(struct hospes_cpuid *c, uint32_t fn, uint32_t idx, bool indexed)
{
	struct hospes_cpuid_entry *e;

	if (c->nent >= HOSPES_MAX_CPUID_ENTRIES)
		return;
	e = &c->entries[c->nent++];
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = indexed ? idx : 0;
	e->flags = indexed ? HOSPES_CPUID_FLAG_INDEXED : 0;
	__cpuid_count(fn, idx, e->eax, e->ebx, e->ecx, e->edx);
}

/* Leaves with subleaves, and how to tell how many there are. */
static void add_leaf(struct hospes_cpuid *c, uint32_t fn)
{
	uint32_t a, b, cx, d, i, max;

	switch (fn) {
	case 4:
	case 0x8000001d:	/* cache descriptions, until type 0 */
		for (i = 0; i < 64; i++) {
			add(c, fn, i, true);
			__cpuid_count(fn, i, a, b, cx, d);
			if (!(a & 0x1f))
				break;
		}
		return;
	case 7:
	case 0x14:
	case 0x17:
	case 0x18:
	case 0x1d:
	case 0x20:		/* EAX of subleaf 0 is the last subleaf */
		__cpuid_count(fn, 0, a, b, cx, d);
		max = a < 63 ? a : 63;
		for (i = 0; i <= max; i++)
			add(c, fn, i, true);
		return;
	case 0xb:
	case 0x1f:
	case 0x80000026:	/* topology levels, until level type 0 */
		for (i = 0; i < 64; i++) {
			add(c, fn, i, true);
			__cpuid_count(fn, i, a, b, cx, d);
			if (!(cx & 0xff00))
				break;
		}
		return;
	case 0xd:
	case 0xf:
	case 0x10:
	case 0x12:
	case 0x80000020:	/* sparse subleaves: the non-zero ones */
		for (i = 0; i < 64; i++) {
			__cpuid_count(fn, i, a, b, cx, d);
			if (i < 2 || a || b || cx || d)
				add(c, fn, i, true);
		}
		return;
	default:
		add(c, fn, 0, false);
	}
}

const struct hospes_cpuid *hospes_host_cpuid(void)
{
	static struct hospes_cpuid *table;
	uint32_t max, fn, b, c, d;

	if (table)
		return table;
	table = hospes_cpuid_alloc(HOSPES_MAX_CPUID_ENTRIES);
	table->nent = 0;
	__cpuid(0, max, b, c, d);
	for (fn = 0; fn <= max && fn < 0x100; fn++)
		add_leaf(table, fn);
	__cpuid(0x80000000, max, b, c, d);
	for (fn = 0x80000000; fn <= max && fn < 0x80000100; fn++)
		add_leaf(table, fn);
	return table;
}

int __hvcpu_set_cpuid(struct hvcpu *vcpu, const struct hospes_cpuid *cpuid)
{
	return ioctl(vcpu->fd, HOSPES_SET_CPUID, cpuid);
}

void hvcpu_set_cpuid(struct hvcpu *vcpu, const struct hospes_cpuid *cpuid)
{
	if (__hvcpu_set_cpuid(vcpu, cpuid))
		HOSPES_FAIL("HOSPES_SET_CPUID (%u entries): %s", cpuid->nent,
			    strerror(errno));
}
