// SPDX-License-Identifier: GPL-2.0-only
/*
 * Two-dimensional paging: the nested page tables (AMD NPT, Intel EPT) that
 * map guest-physical to host-physical addresses. Both are radix trees of
 * 512-entry tables; only the entry bits differ, and those come from the
 * backend's struct hospes_tdp_format.
 *
 * Tables are changed under the VM's lock. The hardware walks them
 * concurrently, so every entry is written with a single store.
 */
#include <linux/gfp.h>
#include <linux/mm.h>

#include "../core/hospes.h"

#define PTE_ADDR_MASK	GENMASK_ULL(51, 12)
#define PTES_PER_TABLE	512

static unsigned int level_shift(int level)
{
	return PAGE_SHIFT + 9 * (level - 1);
}

static unsigned int tdp_index(u64 gpa, int level)
{
	return (gpa >> level_shift(level)) & (PTES_PER_TABLE - 1);
}

static u64 *tdp_table(u64 pte)
{
	return __va(pte & PTE_ADDR_MASK);
}

static bool tdp_present(const struct hospes_tdp *tdp, u64 pte)
{
	return pte & tdp->fmt->present_mask;
}

static bool tdp_is_leaf(const struct hospes_tdp *tdp, u64 pte, int level)
{
	return level == 1 || (pte & tdp->fmt->large_bit);
}

int hospes_tdp_init(struct hospes_tdp *tdp,
		    const struct hospes_tdp_format *fmt, int levels)
{
	tdp->fmt = fmt;
	tdp->levels = levels;
	tdp->nr_4k = 0;
	tdp->nr_2m = 0;
	tdp->root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	return tdp->root ? 0 : -ENOMEM;
}

static void free_table(struct hospes_tdp *tdp, u64 *table, int level)
{
	int i;

	if (level > 1) {
		for (i = 0; i < PTES_PER_TABLE; i++)
			if (tdp_present(tdp, table[i]) &&
			    !tdp_is_leaf(tdp, table[i], level))
				free_table(tdp, tdp_table(table[i]), level - 1);
	}
	free_page((unsigned long)table);
}

void hospes_tdp_destroy(struct hospes_tdp *tdp)
{
	if (tdp->root)
		free_table(tdp, tdp->root, tdp->levels);
	tdp->root = NULL;
}

phys_addr_t hospes_tdp_root_pa(struct hospes_tdp *tdp)
{
	return __pa(tdp->root);
}

/*
 * Map gpa to pa with a leaf at level (1: 4 KiB, 2: 2 MiB). Returns 0 if
 * the address is mapped afterwards (by this call or an earlier one), and
 * -EEXIST if a 2 MiB leaf was asked for where a table of 4 KiB leaves
 * already stands.
 */
int hospes_tdp_map(struct hospes_tdp *tdp, u64 gpa, phys_addr_t pa,
		   int level, bool writable)
{
	const struct hospes_tdp_format *fmt = tdp->fmt;
	u64 *table = tdp->root;
	u64 *ptep, leaf;
	int l;

	for (l = tdp->levels; l > level; l--) {
		ptep = &table[tdp_index(gpa, l)];
		if (!tdp_present(tdp, *ptep)) {
			u64 *new = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

			if (!new)
				return -ENOMEM;
			WRITE_ONCE(*ptep, __pa(new) | fmt->table_bits);
		} else if (tdp_is_leaf(tdp, *ptep, l)) {
			return 0;
		}
		table = tdp_table(*ptep);
	}

	ptep = &table[tdp_index(gpa, level)];
	if (tdp_present(tdp, *ptep))
		return tdp_is_leaf(tdp, *ptep, level) ? 0 : -EEXIST;

	leaf = pa | fmt->leaf_bits;
	if (writable)
		leaf |= fmt->write_bit;
	if (level > 1)
		leaf |= fmt->large_bit;
	WRITE_ONCE(*ptep, leaf);
	if (level == 1)
		tdp->nr_4k++;
	else
		tdp->nr_2m++;
	return 0;
}

bool hospes_tdp_is_mapped(struct hospes_tdp *tdp, u64 gpa)
{
	u64 *table = tdp->root;
	int l;

	for (l = tdp->levels; l >= 1; l--) {
		u64 pte = table[tdp_index(gpa, l)];

		if (!tdp_present(tdp, pte))
			return false;
		if (tdp_is_leaf(tdp, pte, l))
			return true;
		table = tdp_table(pte);
	}
	return false;
}

/*
 * Allow or forbid guest writes through the 4 KiB leaf mapping gpa, if
 * there is one. Taking the right away needs a TLB flush before it holds;
 * granting it does not, as a fault on a stale entry drops that entry.
 */
void hospes_tdp_set_writable(struct hospes_tdp *tdp, u64 gpa, bool writable)
{
	u64 *table = tdp->root;
	u64 *ptep, pte;
	int l;

	for (l = tdp->levels; l >= 1; l--) {
		ptep = &table[tdp_index(gpa, l)];
		pte = *ptep;
		if (!tdp_present(tdp, pte))
			return;
		if (tdp_is_leaf(tdp, pte, l))
			break;
		table = tdp_table(pte);
	}
	if (writable)
		pte |= tdp->fmt->write_bit;
	else
		pte &= ~tdp->fmt->write_bit;
	WRITE_ONCE(*ptep, pte);
}

/*
 * Clear every leaf in [start, end) of the table at level that covers
 * addresses from base. Leaves are only ever created inside one memory slot
 * and slots are zapped whole, so a leaf is never cut in two.
 */
static void zap_range(struct hospes_tdp *tdp, u64 *table, int level,
		      u64 base, u64 start, u64 end)
{
	u64 span = 1ULL << level_shift(level);
	unsigned int i;

	for (i = 0; i < PTES_PER_TABLE; i++) {
		u64 lo = base + i * span, pte = table[i];

		if (lo >= end)
			break;
		if (lo + span <= start || !tdp_present(tdp, pte))
			continue;
		if (tdp_is_leaf(tdp, pte, level)) {
			WRITE_ONCE(table[i], 0);
			if (level == 1)
				tdp->nr_4k--;
			else
				tdp->nr_2m--;
		} else {
			zap_range(tdp, tdp_table(pte), level - 1, lo, start, end);
		}
	}
}

void hospes_tdp_zap(struct hospes_tdp *tdp, u64 gpa, u64 size)
{
	zap_range(tdp, tdp->root, tdp->levels, 0, gpa, gpa + size);
}
