// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty-page logging for memory slots, the ground save and live migration
 * stand on. A logging slot is mapped read-only in the nested page tables;
 * the first guest write to a page faults, sets the page's bit and makes the
 * mapping writable. Fetching the log write-protects the pages again.
 */
#include <linux/bitmap.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "hospes.h"

static unsigned long slot_pages(const struct hospes_memslot *slot)
{
	return slot->size >> PAGE_SHIFT;
}

/* Bytes of a bitmap for the slot, rounded to whole u64 words. */
static size_t bitmap_bytes(const struct hospes_memslot *slot)
{
	return DIV_ROUND_UP(slot_pages(slot), 64) * sizeof(u64);
}

/*
 * The fetch buffer is allocated with the log, not per fetch: a migration
 * fetches every slot every round, and most fetches of an idle guest find
 * nothing, so an allocation would be most of their cost.
 */
int hospes_dirty_log_start(struct hospes_memslot *slot)
{
	if (slot->dirty_bitmap)
		return 0;
	slot->dirty_bitmap = vzalloc(bitmap_bytes(slot));
	slot->dirty_snapshot = vmalloc(bitmap_bytes(slot));
	if (!slot->dirty_bitmap || !slot->dirty_snapshot) {
		hospes_dirty_log_stop(slot);
		return -ENOMEM;
	}
	return 0;
}

void hospes_dirty_log_stop(struct hospes_memslot *slot)
{
	vfree(slot->dirty_bitmap);
	vfree(slot->dirty_snapshot);
	slot->dirty_bitmap = NULL;
	slot->dirty_snapshot = NULL;
}

/* Caller holds vm->lock. */
void hospes_mark_dirty(struct hospes_memslot *slot, u64 gpa)
{
	if (slot->dirty_bitmap)
		set_bit((gpa - slot->gpa) >> PAGE_SHIFT, slot->dirty_bitmap);
}

/*
 * The shared-info page is written by the kernel at any time, from the
 * timer interrupt too, where no bitmap can be touched: it is reported
 * dirty in every fetch instead. True if that added a page to the count.
 */
static bool mark_shared_info(struct hospes_vm *vm, struct hospes_memslot *slot,
			     unsigned long *snapshot)
{
	u64 gpa = vm->shinfo_gpa;

	return vm->shinfo && gpa >= slot->gpa && gpa - slot->gpa < slot->size &&
	       !__test_and_set_bit((gpa - slot->gpa) >> PAGE_SHIFT, snapshot);
}

/*
 * Fetch and re-arm. Everything happens under vm->lock, which the fault
 * path takes too, so no write fault is handled in between. A write that
 * hits a still-writable page before the TLB flush finishes is not lost:
 * that page is in this snapshot, and userspace reads its contents only
 * after this call returns. The snapshot is copied out under the lock as
 * well, since it is the slot's one buffer; a fault on the user's bitmap
 * meanwhile only delays the guest's write faults.
 */
int hospes_get_dirty_log(struct hospes_vm *vm,
			 struct hospes_dirty_log __user *ulog)
{
	struct hospes_dirty_log log;
	struct hospes_memslot *slot;
	unsigned long *snapshot;
	unsigned long w, bit, count = 0;
	size_t bytes;
	int ret;

	if (copy_from_user(&log, ulog, sizeof(log)))
		return -EFAULT;
	if (log.pad || log.slot >= HOSPES_MAX_MEMSLOTS)
		return -EINVAL;

	mutex_lock(&vm->lock);
	slot = vm->slots[log.slot];
	ret = -EINVAL;
	if (!slot || !slot->dirty_bitmap)
		goto out;
	bytes = bitmap_bytes(slot);
	snapshot = slot->dirty_snapshot;
	/* One pass: most words of a mostly clean log are zero. */
	for (w = 0; w < bytes / sizeof(long); w++) {
		snapshot[w] = slot->dirty_bitmap[w];
		if (!snapshot[w])
			continue;
		slot->dirty_bitmap[w] = 0;
		for_each_set_bit(bit, &snapshot[w], BITS_PER_LONG)
			hospes_tdp_set_writable(&vm->tdp, slot->gpa +
						((w * BITS_PER_LONG + bit) << PAGE_SHIFT),
						false);
		count += hweight_long(snapshot[w]);
	}
	if (count)
		hospes_vm_request_all(vm, HOSPES_REQ_TLB_FLUSH);
	ret = count + mark_shared_info(vm, slot, snapshot);
	if (copy_to_user(u64_to_user_ptr(log.bitmap), snapshot, bytes))
		ret = -EFAULT;
out:
	mutex_unlock(&vm->lock);
	return ret;
}
