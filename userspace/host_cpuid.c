// SPDX-License-Identifier: GPL-2.0-only
#include <cpuid.h>
#include <stdbool.h>
#include <stdlib.h>

#include "host_cpuid.h"
#include "util.h"

/* How a leaf's subleaves (ECX) are enumerated, per the SDM and APM. */
enum subleaves {
	SUB_NONE,		/* ECX is ignored */
	SUB_UNTIL_NULL_CACHE,	/* cache descriptors until type (EAX[4:0]) 0 */
	SUB_MAX_IN_EAX,		/* subleaf 0's EAX is the last subleaf */
	SUB_UNTIL_NULL_LEVEL,	/* topology levels until type (ECX[15:8]) 0 */
	SUB_SPARSE,		/* any of 0..63 may be valid: keep non-zero ones */
};

#define MAX_SUBLEAF	63

static const struct {
	uint32_t leaf;
	enum subleaves kind;
} indexed_leaves[] = {
	{ 0x4, SUB_UNTIL_NULL_CACHE },
	{ 0x7, SUB_MAX_IN_EAX },
	{ 0xb, SUB_UNTIL_NULL_LEVEL },
	{ 0xd, SUB_SPARSE },
	{ 0xf, SUB_SPARSE },
	{ 0x10, SUB_SPARSE },
	{ 0x12, SUB_SPARSE },
	{ 0x14, SUB_MAX_IN_EAX },
	{ 0x17, SUB_MAX_IN_EAX },
	{ 0x18, SUB_MAX_IN_EAX },
	{ 0x1d, SUB_MAX_IN_EAX },
	{ 0x1f, SUB_UNTIL_NULL_LEVEL },
	{ 0x20, SUB_MAX_IN_EAX },
	{ 0x8000001d, SUB_UNTIL_NULL_CACHE },
	{ 0x80000020, SUB_SPARSE },
	{ 0x80000026, SUB_UNTIL_NULL_LEVEL },
};

static enum subleaves subleaf_kind(uint32_t leaf)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(indexed_leaves); i++)
		if (indexed_leaves[i].leaf == leaf)
			return indexed_leaves[i].kind;
	return SUB_NONE;
}

/* Append leaf.sub as the host has it; false once the table is full. */
static bool add(struct hospes_cpuid *t, uint32_t leaf, uint32_t sub,
		bool indexed)
{
	struct hospes_cpuid_entry *e;

	if (t->nent == HOSPES_MAX_CPUID_ENTRIES)
		return false;
	e = &t->entries[t->nent++];
	*e = (struct hospes_cpuid_entry){
		.function = leaf,
		.index = sub,
		.flags = indexed ? HOSPES_CPUID_FLAG_INDEXED : 0,
	};
	__cpuid_count(leaf, sub, e->eax, e->ebx, e->ecx, e->edx);
	return true;
}

static void add_leaf(struct hospes_cpuid *t, uint32_t leaf)
{
	enum subleaves kind = subleaf_kind(leaf);
	uint32_t a, b, c, d, sub, last = MAX_SUBLEAF;

	if (kind == SUB_NONE) {
		add(t, leaf, 0, false);
		return;
	}
	if (kind == SUB_MAX_IN_EAX) {
		__cpuid_count(leaf, 0, a, b, c, d);
		last = a < MAX_SUBLEAF ? a : MAX_SUBLEAF;
	}
	for (sub = 0; sub <= last; sub++) {
		__cpuid_count(leaf, sub, a, b, c, d);
		if ((kind == SUB_UNTIL_NULL_CACHE && !(a & 0x1f)) ||
		    (kind == SUB_UNTIL_NULL_LEVEL && !(c & 0xff00)))
			return;
		if (kind == SUB_SPARSE && sub > 1 && !(a | b | c | d))
			continue;
		if (!add(t, leaf, sub, true))
			return;
	}
}

/* The host's APIC ids mean nothing to the guest: it sees its own. */
static void set_apic_ids(struct hospes_cpuid *t, unsigned int vcpu_id)
{
	unsigned int i;

	for (i = 0; i < t->nent; i++) {
		struct hospes_cpuid_entry *e = &t->entries[i];

		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffff) | vcpu_id << 24;
		else if (e->function == 0xb || e->function == 0x1f)
			e->edx = vcpu_id;
	}
}

struct hospes_cpuid *host_cpuid(unsigned int vcpu_id)
{
	static const uint32_t bases[] = { 0, 0x80000000 };
	struct hospes_cpuid *t;
	uint32_t max, b, c, d, leaf;
	unsigned int i;

	t = calloc(1, sizeof(*t) +
		   HOSPES_MAX_CPUID_ENTRIES * sizeof(t->entries[0]));
	if (!t)
		return NULL;
	for (i = 0; i < ARRAY_LEN(bases); i++) {
		__cpuid(bases[i], max, b, c, d);
		/* A range's base leaf gives its highest leaf; distrust huge ones. */
		if (max < bases[i])
			max = bases[i];
		if (max - bases[i] > 0xff)
			max = bases[i] + 0xff;
		for (leaf = bases[i]; leaf <= max; leaf++)
			add_leaf(t, leaf);
	}
	set_apic_ids(t, vcpu_id);
	return t;
}
