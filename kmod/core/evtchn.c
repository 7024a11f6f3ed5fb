// SPDX-License-Identifier: GPL-2.0-only
/*
 * Paravirtual event channels: the guest's shared-info page, raising ports
 * from timers and from the VMM, and the upcall interrupt that tells a vCPU
 * to look at its pending bits.
 *
 * The shared-info page is pinned while registered and written through the
 * kernel's own mapping, with atomic bit operations, so an event can be
 * raised from the timer interrupt while the guest runs on another CPU.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#include "hospes.h"

static void shinfo_release(struct page *page)
{
	if (page)
		unpin_user_pages_dirty_lock(&page, 1, true);
}

int hospes_set_shared_info(struct hospes_vm *vm, u64 gpa, u64 vector)
{
	struct page *page, *old;
	unsigned long flags;

	if (!PAGE_ALIGNED(gpa) || vector < 32 || vector > 255)
		return -EINVAL;
	page = hospes_pin_guest_page(vm, gpa);
	if (IS_ERR(page))
		return PTR_ERR(page);

	spin_lock_irqsave(&vm->pv_lock, flags);
	old = vm->shinfo_page;
	vm->shinfo_page = page;
	vm->shinfo = page_address(page);
	vm->shinfo_gpa = gpa;
	vm->upcall_vector = vector;
	spin_unlock_irqrestore(&vm->pv_lock, flags);

	shinfo_release(old);
	hospes_pvtime_update(vm);
	return 0;
}

void hospes_shared_info_free(struct hospes_vm *vm)
{
	shinfo_release(vm->shinfo_page);
	vm->shinfo_page = NULL;
	vm->shinfo = NULL;
}

/*
 * Mark port pending and, unless it is masked, tell its vCPU. Caller holds
 * pv_lock. Returns the vCPU to wake, or NULL.
 */
static struct hospes_vcpu *evtchn_set_pending(struct hospes_vm *vm, u32 port)
{
	struct hospes_shared_info *si = vm->shinfo;
	struct hospes_pv_vcpu_info *vi;
	u32 target;

	if (test_and_set_bit(port, (unsigned long *)si->evtchn_pending) ||
	    test_bit(port, (unsigned long *)si->evtchn_mask))
		return NULL;
	target = vm->port_vcpu[port];
	vi = &si->vcpu_info[target];
	set_bit(port / 64, (unsigned long *)&vi->pending_sel);
	WRITE_ONCE(vi->upcall_pending, 1);
	return vm->vcpus[target];
}

int hospes_evtchn_bind(struct hospes_vm *vm, u64 port, u64 vcpu_id)
{
	unsigned long flags;
	int ret = -ENOENT;

	if (port >= HOSPES_PV_EVTCHN_PORTS || vcpu_id >= HOSPES_PV_MAX_VCPUS)
		return -EINVAL;
	/* An event for a vCPU that does not exist would be lost. */
	spin_lock_irqsave(&vm->pv_lock, flags);
	if (vm->vcpus[vcpu_id]) {
		vm->port_vcpu[port] = vcpu_id;
		ret = 0;
	}
	spin_unlock_irqrestore(&vm->pv_lock, flags);
	return ret;
}

/*
 * Deliver port: raise it, or (unmask) clear its mask and deliver it if it
 * fired while masked. From any context, the timer interrupt included.
 */
static int evtchn_deliver(struct hospes_vm *vm, u64 port, bool unmask)
{
	struct hospes_shared_info *si;
	struct hospes_vcpu *vcpu;
	unsigned long flags;
	int ret = -ENOENT;

	if (port >= HOSPES_PV_EVTCHN_PORTS)
		return -EINVAL;
	spin_lock_irqsave(&vm->pv_lock, flags);
	si = vm->shinfo;
	if (!si)
		goto out;
	ret = 0;
	if (unmask) {
		clear_bit(port, (unsigned long *)si->evtchn_mask);
		if (!test_and_clear_bit(port, (unsigned long *)si->evtchn_pending))
			goto out;
	}
	vcpu = evtchn_set_pending(vm, port);
	if (vcpu)
		hospes_vcpu_wake(vcpu);
out:
	spin_unlock_irqrestore(&vm->pv_lock, flags);
	return ret;
}

int hospes_evtchn_raise(struct hospes_vm *vm, u32 port)
{
	return evtchn_deliver(vm, port, false);
}

int hospes_evtchn_unmask(struct hospes_vm *vm, u64 port)
{
	return evtchn_deliver(vm, port, true);
}

int hospes_evtchn_send_ioctl(struct hospes_vm *vm,
			     struct hospes_evtchn __user *ue)
{
	struct hospes_evtchn e;

	if (copy_from_user(&e, ue, sizeof(e)))
		return -EFAULT;
	if (e.pad)
		return -EINVAL;
	return hospes_evtchn_raise(vm, e.port);
}

/*
 * Is an event waiting for this vCPU? An interrupt is only due when the
 * guest has not masked upcalls; a blocked vCPU wakes up either way.
 */
bool hospes_evtchn_upcall(struct hospes_vcpu *vcpu, bool even_masked)
{
	struct hospes_shared_info *si = READ_ONCE(vcpu->vm->shinfo);
	struct hospes_pv_vcpu_info *vi;

	if (!si || vcpu->id >= HOSPES_PV_MAX_VCPUS)
		return false;
	vi = &si->vcpu_info[vcpu->id];
	return READ_ONCE(vi->upcall_pending) &&
	       (even_masked || !READ_ONCE(vi->upcall_mask));
}
