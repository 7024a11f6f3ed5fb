// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpuid_compat_check(): a restore or migration target refuses a guest
 * offered a CPU feature its host lacks, naming it, and takes one whose
 * features it all has, whatever else differs (model, caches, APIC ids)
 * and whatever hospes itself adds in software.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_compat.h"

#include "kselftest_harness.h"

#define MAX_ENT		8

struct table {
	struct hospes_cpuid head;
	struct hospes_cpuid_entry e[MAX_ENT];
};

/* A table of a plain 64-bit CPU: leaves 0, 1, 7, 0x80000001, 0x80000008. */
static void plain(struct table *t)
{
	memset(t, 0, sizeof(*t));
	t->head.nent = 5;
	t->e[0] = (struct hospes_cpuid_entry){ .function = 0, .eax = 0xd };
	/* SSE3 SSSE3 POPCNT; FPU TSC MSR PAE CX8 APIC CMOV PAT FXSR SSE SSE2 */
	t->e[1] = (struct hospes_cpuid_entry){
		.function = 1, .eax = 0x800f12, .ebx = 0x00000800,
		.ecx = 1u << 0 | 1u << 9 | 1u << 23,
		.edx = 1u << 0 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 8 |
		       1u << 9 | 1u << 15 | 1u << 16 | 1u << 24 | 1u << 25 |
		       1u << 26,
	};
	/* FSGSBASE BMI1 */
	t->e[2] = (struct hospes_cpuid_entry){
		.function = 7, .flags = HOSPES_CPUID_FLAG_INDEXED,
		.ebx = 1u << 0 | 1u << 3,
	};
	/* SYSCALL NX LM */
	t->e[3] = (struct hospes_cpuid_entry){
		.function = 0x80000001, .edx = 1u << 11 | 1u << 20 | 1u << 29,
	};
	t->e[4] = (struct hospes_cpuid_entry){ .function = 0x80000008, .eax = 0x3030 };
}

static struct hospes_cpuid_entry *leaf(struct table *t, uint32_t function)
{
	uint32_t i;

	for (i = 0; i < t->head.nent; i++)
		if (t->e[i].function == function)
			return &t->e[i];
	return NULL;
}

FIXTURE(compat) {
	struct table guest, host;
	char err[512];
};

FIXTURE_SETUP(compat)
{
	plain(&self->guest);
	plain(&self->host);
	self->err[0] = '\0';
}

FIXTURE_TEARDOWN(compat)
{
}

static int check(struct _test_data_compat *self)
{
	return cpuid_compat_check(&self->guest.head, &self->host.head, self->err,
				  sizeof(self->err));
}

TEST_F(compat, the_same_cpu_is_compatible)
{
	EXPECT_EQ(0, check(self));
	EXPECT_STREQ("", self->err);
}

TEST_F(compat, a_host_with_more_features_and_another_model_is_compatible)
{
	leaf(&self->host, 1)->ecx |= 1u << 28 | 1u << 30;	/* AVX RDRAND */
	leaf(&self->host, 7)->ebx |= 1u << 5;			/* AVX2 */
	leaf(&self->host, 1)->eax = 0x906ea;
	leaf(&self->host, 1)->ebx = 0x05100800;			/* another APIC id */
	leaf(&self->host, 0x80000008)->eax = 0x3030 + 9;	/* 57 bits */
	EXPECT_EQ(0, check(self)) TH_LOG("%s", self->err);
}

TEST_F(compat, what_hospes_makes_in_software_needs_no_host_support)
{
	/* The TSC-deadline timer (in-kernel APIC) and the hypervisor bit. */
	leaf(&self->guest, 1)->ecx |= 1u << 24 | 1u << 31;
	EXPECT_EQ(0, check(self)) TH_LOG("%s", self->err);
}

TEST_F(compat, missing_features_are_named)
{
	leaf(&self->guest, 1)->ecx |= 1u << 28;			/* AVX */
	leaf(&self->guest, 7)->ebx |= 1u << 5 | 1u << 30;	/* AVX2, unnamed */
	leaf(&self->guest, 0x80000001)->edx |= 1u << 27;	/* RDTSCP */
	EXPECT_EQ(-1, check(self));
	EXPECT_NE(NULL, strstr(self->err, "lacks: avx, avx2, leaf 0x7 ebx bit 30, rdtscp"))
		TH_LOG("%s", self->err);
}

TEST_F(compat, a_leaf_the_host_does_not_have_is_missing_with_its_features)
{
	/* Leaf 7 gone from the host table: its features with it. */
	self->host.e[2] = self->host.e[4];
	self->host.head.nent = 4;
	EXPECT_EQ(-1, check(self));
	EXPECT_NE(NULL, strstr(self->err, "fsgsbase, bmi1")) TH_LOG("%s", self->err);
}

TEST_F(compat, more_address_bits_than_the_host_has_are_refused)
{
	leaf(&self->host, 0x80000008)->eax = 0x3027;		/* 39 bits */
	EXPECT_EQ(-1, check(self));
	EXPECT_NE(NULL, strstr(self->err, "48 physical address bits (this host has 39)"))
		TH_LOG("%s", self->err);
	/* 57-bit linear addresses (5-level paging) where the host has 48. */
	leaf(&self->host, 0x80000008)->eax = 0x3030;
	leaf(&self->guest, 0x80000008)->eax = 0x3930;
	EXPECT_EQ(-1, check(self));
	EXPECT_NE(NULL, strstr(self->err, "57 linear address bits (this host has 48)"))
		TH_LOG("%s", self->err);
}

TEST_F(compat, subleaves_are_told_apart)
{
	struct hospes_cpuid_entry sub0 = self->guest.e[2];

	/*
	 * Leaf 7 subleaf 1 (AVX-VNNI there) before subleaf 0 in the guest's
	 * table: it is not compared, and subleaf 0 is found behind it.
	 */
	self->guest.e[2] = (struct hospes_cpuid_entry){
		.function = 7, .index = 1, .flags = HOSPES_CPUID_FLAG_INDEXED,
		.eax = 1u << 4,
	};
	self->guest.e[self->guest.head.nent++] = sub0;
	EXPECT_EQ(0, check(self)) TH_LOG("%s", self->err);
	self->guest.e[self->guest.head.nent - 1].ebx |= 1u << 19;	/* ADX */
	EXPECT_EQ(-1, check(self));
	EXPECT_NE(NULL, strstr(self->err, "lacks: adx")) TH_LOG("%s", self->err);
}

TEST_F(compat, a_long_list_is_cut_not_overrun)
{
	char small[40];

	memset(small, 'x', sizeof(small));
	leaf(&self->guest, 1)->ecx = ~0u;
	leaf(&self->guest, 1)->edx = ~0u;
	EXPECT_EQ(-1, cpuid_compat_check(&self->guest.head, &self->host.head,
					 small, sizeof(small) - 8));
	EXPECT_EQ('\0', small[sizeof(small) - 9]);
	EXPECT_EQ('x', small[sizeof(small) - 8]);
}

TEST_HARNESS_MAIN
