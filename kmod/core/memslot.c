// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory slots: guest-physical ranges backed by the VM process's memory,
 * and mapping them into the nested page tables on first touch.
 *
 * Pages are pinned (FOLL_LONGTERM) when first mapped and stay pinned until
 * their slot goes away, so the nested page tables never point at a page
 * the host could free or move. Userspace keeps full access to the memory.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hospes.h"

/* x86-64's widest physical address. */
#define MAX_PHYS_BITS	52U
#define HUGE_SIZE	BIT_ULL(21)
#define HUGE_PAGES	(HUGE_SIZE >> PAGE_SHIFT)

static bool ranges_overlap(u64 a, u64 a_size, u64 b, u64 b_size)
{
	return a < b + b_size && b < a + a_size;
}

static void slot_unpin_all(struct hospes_memslot *slot)
{
	bool dirty = !(slot->flags & HOSPES_MEM_READONLY);
	struct page *page;
	unsigned long idx;

	/*
	 * The guest writes through the nested page tables, which never set the
	 * host PTE's dirty bit: tell the host the pages may be dirty.
	 */
	xa_for_each(&slot->pinned, idx, page)
		unpin_user_pages_dirty_lock(&page, 1, dirty);
	xa_destroy(&slot->pinned);
}

/*
 * Unmap a slot from the guest and wait until no vCPU can still reach its
 * pages through a stale TLB entry; only then may they be unpinned.
 */
static void slot_unmap(struct hospes_vm *vm, struct hospes_memslot *slot)
{
	hospes_tdp_zap(&vm->tdp, slot->gpa, slot->size);
	hospes_vm_request_all(vm, HOSPES_REQ_TLB_FLUSH);
}

static void slot_free(struct hospes_memslot *slot)
{
	slot_unpin_all(slot);
	hospes_dirty_log_stop(slot);
	kfree(slot);
}

/* Rights of a new mapping: a logging slot's pages start read-only. */
static bool slot_map_writable(const struct hospes_memslot *slot)
{
	return !(slot->flags & HOSPES_MEM_READONLY) && !slot->dirty_bitmap;
}

/* Turn logging on or off to match flags; the caller remaps the slot. */
static int slot_set_logging(struct hospes_memslot *slot, u32 flags)
{
	if (flags & HOSPES_MEM_LOG_DIRTY)
		return hospes_dirty_log_start(slot);
	hospes_dirty_log_stop(slot);
	return 0;
}

/*
 * Guest-physical address bits the nested page tables can reach: 48 with
 * 4 levels, all 52 with 5. Beyond that an address would alias a lower one.
 */
unsigned int hospes_guest_phys_bits(void)
{
	return min(MAX_PHYS_BITS, PAGE_SHIFT + 9U * hospes_ops->tdp_levels());
}

static int region_check(const struct hospes_memory_region *r)
{
	if (r->slot >= HOSPES_MAX_MEMSLOTS)
		return -EINVAL;
	if (r->flags & ~(HOSPES_MEM_READONLY | HOSPES_MEM_LOG_DIRTY))
		return -EINVAL;
	if (!PAGE_ALIGNED(r->guest_phys_addr) || !PAGE_ALIGNED(r->size) ||
	    !PAGE_ALIGNED(r->userspace_addr))
		return -EINVAL;
	if (!r->size)
		return 0;
	if (r->guest_phys_addr + r->size < r->guest_phys_addr ||
	    r->guest_phys_addr + r->size > 1ULL << hospes_guest_phys_bits())
		return -EINVAL;
	if (r->userspace_addr + r->size < r->userspace_addr ||
	    !access_ok((void __user *)(unsigned long)r->userspace_addr, r->size))
		return -EINVAL;
	return 0;
}

int hospes_set_memory_region(struct hospes_vm *vm,
			     const struct hospes_memory_region *r)
{
	struct hospes_memslot *old, *slot;
	int i, ret;

	ret = region_check(r);
	if (ret)
		return ret;

	mutex_lock(&vm->lock);
	old = vm->slots[r->slot];
	if (!r->size) {
		ret = -EINVAL;
		if (!old)
			goto out;
		vm->slots[r->slot] = NULL;
		slot_unmap(vm, old);
		slot_free(old);
		ret = 0;
		goto out;
	}
	if (old) {
		ret = -EEXIST;
		if (old->gpa != r->guest_phys_addr || old->size != r->size ||
		    old->uaddr != r->userspace_addr)
			goto out;
		/* Only the flags change: remap lazily with the new rights. */
		ret = slot_set_logging(old, r->flags);
		if (ret)
			goto out;
		slot_unmap(vm, old);
		old->flags = r->flags;
		goto out;
	}
	ret = -EEXIST;
	for (i = 0; i < HOSPES_MAX_MEMSLOTS; i++)
		if (vm->slots[i] &&
		    ranges_overlap(vm->slots[i]->gpa, vm->slots[i]->size,
				   r->guest_phys_addr, r->size))
			goto out;

	ret = -ENOMEM;
	slot = kzalloc(sizeof(*slot), GFP_KERNEL_ACCOUNT);
	if (!slot)
		goto out;
	slot->id = r->slot;
	slot->flags = r->flags;
	slot->gpa = r->guest_phys_addr;
	slot->size = r->size;
	slot->uaddr = r->userspace_addr;
	xa_init(&slot->pinned);
	ret = slot_set_logging(slot, r->flags);
	if (ret) {
		kfree(slot);
		goto out;
	}
	vm->slots[r->slot] = slot;
out:
	mutex_unlock(&vm->lock);
	return ret;
}

void hospes_memslots_free(struct hospes_vm *vm)
{
	int i;

	for (i = 0; i < HOSPES_MAX_MEMSLOTS; i++) {
		if (vm->slots[i])
			slot_free(vm->slots[i]);
		vm->slots[i] = NULL;
	}
}

/* Caller holds vm->lock. */
struct hospes_memslot *hospes_gpa_to_slot(struct hospes_vm *vm, u64 gpa)
{
	int i;

	for (i = 0; i < HOSPES_MAX_MEMSLOTS; i++) {
		struct hospes_memslot *slot = vm->slots[i];

		if (slot && gpa >= slot->gpa && gpa - slot->gpa < slot->size)
			return slot;
	}
	return NULL;
}

/*
 * Is all of [gpa, gpa + len) guest RAM (possibly across several slots),
 * and writable if asked? Caller holds vm->lock.
 */
static bool range_is_ram(struct hospes_vm *vm, u64 gpa, u64 len, bool write)
{
	if (gpa + len < gpa)
		return false;
	while (len) {
		struct hospes_memslot *slot = hospes_gpa_to_slot(vm, gpa);
		u64 chunk;

		if (!slot || (write && (slot->flags & HOSPES_MEM_READONLY)))
			return false;
		chunk = min(len, slot->gpa + slot->size - gpa);
		gpa += chunk;
		len -= chunk;
	}
	return true;
}

bool hospes_gpa_range_is_ram(struct hospes_vm *vm, u64 gpa, u64 len)
{
	bool ram;

	mutex_lock(&vm->lock);
	ram = range_is_ram(vm, gpa, len, false);
	mutex_unlock(&vm->lock);
	return ram;
}

/*
 * Copy to or from guest-physical memory through the process's own mapping
 * of it, page by page. Must run in the VM process (the ioctls check that).
 * A write into a read-only slot fails as if there were no RAM there.
 */
static int guest_copy(struct hospes_vm *vm, u64 gpa, void *buf, size_t len,
		      bool write)
{
	int ret = 0;

	mutex_lock(&vm->lock);
	/* All or nothing: a buffer running off RAM changes nothing. */
	if (!range_is_ram(vm, gpa, len, write))
		ret = -EFAULT;
	while (!ret && len) {
		struct hospes_memslot *slot = hospes_gpa_to_slot(vm, gpa);
		size_t chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(gpa));
		void __user *hva;

		hva = (void __user *)(slot->uaddr + (gpa - slot->gpa));
		if (write ? copy_to_user(hva, buf, chunk) :
			    copy_from_user(buf, hva, chunk)) {
			ret = -EFAULT;
			break;
		}
		if (write)
			hospes_mark_dirty(slot, gpa);
		gpa += chunk;
		buf += chunk;
		len -= chunk;
	}
	mutex_unlock(&vm->lock);
	return ret;
}

int hospes_read_guest(struct hospes_vm *vm, u64 gpa, void *buf, size_t len)
{
	return guest_copy(vm, gpa, buf, len, false);
}

int hospes_write_guest(struct hospes_vm *vm, u64 gpa, const void *buf,
		       size_t len)
{
	return guest_copy(vm, gpa, (void *)buf, len, true);
}

/*
 * Pin the writable guest page at gpa for the kernel's own long-lived use
 * (the shared-info page). The caller unpins it.
 */
struct page *hospes_pin_guest_page(struct hospes_vm *vm, u64 gpa)
{
	struct hospes_memslot *slot;
	struct page *page = ERR_PTR(-EFAULT);
	int got;

	mutex_lock(&vm->lock);
	slot = hospes_gpa_to_slot(vm, gpa);
	if (slot && !(slot->flags & HOSPES_MEM_READONLY)) {
		got = pin_user_pages_fast(slot->uaddr + (gpa - slot->gpa), 1,
					  FOLL_WRITE | FOLL_LONGTERM, &page);
		if (got != 1)
			page = ERR_PTR(got < 0 ? got : -EFAULT);
	}
	mutex_unlock(&vm->lock);
	return page;
}

/*
 * Pin n pages of the slot from page index first and record them. A page
 * pinned earlier stays what the guest sees; the new pin of it is dropped.
 */
static int slot_pin(struct hospes_memslot *slot, unsigned long first,
		    unsigned int n, struct page **pages)
{
	bool writable = !(slot->flags & HOSPES_MEM_READONLY);
	unsigned int gup = FOLL_LONGTERM | (writable ? FOLL_WRITE : 0);
	unsigned long hva = slot->uaddr + (first << PAGE_SHIFT);
	unsigned int i;
	int got;

	got = pin_user_pages_fast(hva, n, gup, pages);
	if (got < 0)
		return got;
	if (got < n) {
		unpin_user_pages(pages, got);
		return -EFAULT;
	}
	for (i = 0; i < n; i++) {
		struct page *old = xa_load(&slot->pinned, first + i);
		int ret;

		if (old) {
			unpin_user_page(pages[i]);
			pages[i] = old;
			continue;
		}
		ret = xa_err(xa_store(&slot->pinned, first + i, pages[i],
				      GFP_KERNEL_ACCOUNT));
		if (ret) {
			unpin_user_pages(pages + i, n - i);
			return ret;
		}
	}
	return 0;
}

static bool pages_form_huge_page(struct page **pages)
{
	unsigned long pfn = page_to_pfn(pages[0]);
	unsigned int i;

	if (!IS_ALIGNED(pfn, HUGE_PAGES))
		return false;
	for (i = 1; i < HUGE_PAGES; i++)
		if (page_to_pfn(pages[i]) != pfn + i)
			return false;
	return true;
}

/*
 * Map the 2 MiB around a faulting address at once when the slot covers it
 * with matching alignment: one fault instead of 512, and a single 2 MiB
 * mapping when the host backs it with a huge page. A logging slot gets
 * 4 KiB read-only mappings, but for the page a write fault is about.
 */
static int map_fault(struct hospes_vm *vm, struct hospes_memslot *slot,
		     u64 gpa, bool write)
{
	bool writable = slot_map_writable(slot);
	u64 huge_gpa = gpa & ~(HUGE_SIZE - 1);
	struct page **pages;
	unsigned int i, n;
	u64 start;
	int ret;

	if (huge_gpa >= slot->gpa &&
	    huge_gpa + HUGE_SIZE <= slot->gpa + slot->size &&
	    IS_ALIGNED(slot->uaddr + (huge_gpa - slot->gpa), HUGE_SIZE)) {
		start = huge_gpa;
		n = HUGE_PAGES;
	} else {
		start = gpa & PAGE_MASK;
		n = 1;
	}

	pages = kmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	ret = slot_pin(slot, (start - slot->gpa) >> PAGE_SHIFT, n, pages);
	if (ret && n > 1) {
		/* Part of the 2 MiB is not mappable: the faulting page alone. */
		start = gpa & PAGE_MASK;
		n = 1;
		ret = slot_pin(slot, (start - slot->gpa) >> PAGE_SHIFT, n, pages);
	}
	if (ret)
		goto out;

	if (n == HUGE_PAGES && !slot->dirty_bitmap &&
	    pages_form_huge_page(pages)) {
		ret = hospes_tdp_map(&vm->tdp, start, page_to_phys(pages[0]),
				     2, writable);
		if (ret != -EEXIST)
			goto out;
	}
	for (i = 0; i < n; i++) {
		u64 page_gpa = start + i * PAGE_SIZE;
		bool faulting = page_gpa == (gpa & PAGE_MASK);

		ret = hospes_tdp_map(&vm->tdp, page_gpa, page_to_phys(pages[i]),
				     1, writable || (faulting && write));
		if (ret)
			break;
	}
	if (!ret && write)
		hospes_mark_dirty(slot, gpa);
out:
	kfree(pages);
	return ret;
}

int hospes_handle_tdp_fault(struct hospes_vcpu *vcpu, u64 gpa, bool write,
			    bool page_walk)
{
	struct hospes_vm *vm = vcpu->vm;
	struct hospes_memslot *slot;
	int ret;

	mutex_lock(&vm->lock);
	slot = hospes_gpa_to_slot(vm, gpa);
	if (!slot || (write && (slot->flags & HOSPES_MEM_READONLY))) {
		mutex_unlock(&vm->lock);
		/*
		 * Page tables outside writable RAM: the CPU's walk (which
		 * writes their accessed and dirty bits) is no instruction to
		 * emulate, and no device can answer it. The guest is stuck.
		 */
		if (page_walk)
			return hospes_exit_internal_error(vcpu,
							  HOSPES_INTERNAL_ERROR_BAD_MEMORY,
							  gpa, EFAULT);
		return hospes_emulate_mmio(vcpu, gpa, write);
	}
	vcpu->stats.npf_exits++;
	ret = 0;
	if (!hospes_tdp_is_mapped(&vm->tdp, gpa)) {
		ret = map_fault(vm, slot, gpa, write);
	} else if (write && slot->dirty_bitmap) {
		/* The first write since the log was last fetched. */
		hospes_mark_dirty(slot, gpa);
		hospes_tdp_set_writable(&vm->tdp, gpa & PAGE_MASK, true);
	}
	/* Else another vCPU mapped it since this one faulted. */
	mutex_unlock(&vm->lock);
	if (ret)
		return hospes_exit_internal_error(vcpu,
						  HOSPES_INTERNAL_ERROR_BAD_MEMORY,
						  gpa, -ret);
	return 1;
}
