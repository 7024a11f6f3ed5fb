// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUID tables for HOSPES_SET_CPUID: the default one is the host CPU's own
 * leaves, which hospes then filters down to what it can offer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hospes_util.h"
#include "host_cpuid.h"

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

/* The VMM's own default table (userspace/host_cpuid.c), made once. */
const struct hospes_cpuid *hospes_host_cpuid(void)
{
	static struct hospes_cpuid *table;

	if (!table)
		table = host_cpuid(0);
	HOSPES_CHECK(table, "out of memory");
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
