// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMs: the VM file descriptor, its lifetime and its ioctls.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hospes.h"

void hospes_vm_get(struct hospes_vm *vm)
{
	kref_get(&vm->ref);
}

static void vm_free(struct kref *ref)
{
	struct hospes_vm *vm = container_of(ref, struct hospes_vm, ref);

	hospes_shared_info_free(vm);
	hospes_ioapic_free(vm);
	hospes_memslots_free(vm);
	hospes_tdp_destroy(&vm->tdp);
	mmdrop(vm->mm);
	kfree(vm);
	hospes_hw_put();
}

void hospes_vm_put(struct hospes_vm *vm)
{
	kref_put(&vm->ref, vm_free);
}

/*
 * Ask every vCPU to handle req before it next enters the guest, and wait
 * until none is still running on the state the request replaces. Called
 * with vm->lock held, which keeps the vCPU array stable.
 */
void hospes_vm_request_all(struct hospes_vm *vm, int req)
{
	int i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < HOSPES_MAX_VCPUS; i++) {
		struct hospes_vcpu *vcpu = vm->vcpus[i];

		if (!vcpu)
			continue;
		set_bit(req, &vcpu->requests);
		hospes_vcpu_kick(vcpu, true);
	}
}

static int vm_get_stats(struct hospes_vm *vm, struct hospes_stats __user *out)
{
	struct hospes_stats sum;
	int i;

	mutex_lock(&vm->lock);
	spin_lock(&vm->stats_lock);
	sum = vm->dead_stats;
	spin_unlock(&vm->stats_lock);
	/*
	 * Live vCPUs' counters are read without their lock: a count that is
	 * one exit old is fine for statistics.
	 */
	for (i = 0; i < HOSPES_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hospes_vcpu_stats_add(&sum, &vm->vcpus[i]->stats);
	sum.pages_mapped_4k = vm->tdp.nr_4k;
	sum.pages_mapped_2m = vm->tdp.nr_2m;
	mutex_unlock(&vm->lock);

	sum.size = sizeof(sum);
	return copy_to_user(out, &sum, sizeof(sum)) ? -EFAULT : 0;
}

static int vm_create_irqchip(struct hospes_vm *vm, unsigned long arg)
{
	int ret = 0;

	if (arg)
		return -EINVAL;
	mutex_lock(&vm->lock);
	/* Every vCPU has an APIC or none has: IPIs assume so. */
	if (vm->irqchip)
		ret = -EEXIST;
	else if (vm->dead_stats.vcpus)
		ret = -EBUSY;
	else
		ret = hospes_ioapic_create(vm);
	if (!ret)
		vm->irqchip = true;
	mutex_unlock(&vm->lock);
	return ret;
}

static long vm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct hospes_vm *vm = file->private_data;
	void __user *argp = (void __user *)arg;
	struct hospes_memory_region region;

	/* Guest memory addresses only mean something in the creator's mm. */
	if (vm->mm != current->mm)
		return -EIO;

	switch (cmd) {
	case HOSPES_SET_MEMORY_REGION:
		if (copy_from_user(&region, argp, sizeof(region)))
			return -EFAULT;
		return hospes_set_memory_region(vm, &region);
	case HOSPES_CREATE_VCPU:
		return hospes_vcpu_create_fd(vm, arg);
	case HOSPES_GET_VM_STATS:
		return vm_get_stats(vm, argp);
	case HOSPES_EVTCHN_SEND:
		return hospes_evtchn_send_ioctl(vm, argp);
	case HOSPES_GET_DIRTY_LOG:
		return hospes_get_dirty_log(vm, argp);
	case HOSPES_CREATE_IRQCHIP:
		return vm_create_irqchip(vm, arg);
	case HOSPES_IRQ_LINE:
		return hospes_ioapic_set_line(vm, argp);
	case HOSPES_GET_IOAPIC:
		return hospes_ioapic_get_state(vm, argp);
	case HOSPES_SET_IOAPIC:
		return hospes_ioapic_set_state(vm, argp);
	case HOSPES_GET_CLOCK:
		return hospes_get_clock(vm, argp);
	case HOSPES_SET_CLOCK:
		return hospes_set_clock(vm, argp);
	case HOSPES_GET_PV_STATE:
		return hospes_get_pv_state(vm, argp);
	case HOSPES_SET_PV_STATE:
		return hospes_set_pv_state(vm, argp);
	default:
		return -ENOTTY;
	}
}

static int vm_release(struct inode *inode, struct file *file)
{
	hospes_vm_put(file->private_data);
	return 0;
}

static const struct file_operations vm_fops = {
	.owner		= THIS_MODULE,
	.release	= vm_release,
	.unlocked_ioctl	= vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

int hospes_vm_create_fd(void)
{
	struct hospes_vm *vm;
	int ret;

	ret = hospes_hw_get();
	if (ret) {
		pr_warn_ratelimited("hospes: cannot create a VM: another hypervisor (kvm_amd or kvm_intel?) owns the CPU's virtualization extensions\n");
		return ret;
	}

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm) {
		ret = -ENOMEM;
		goto err_hw;
	}
	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	spin_lock_init(&vm->stats_lock);
	spin_lock_init(&vm->pv_lock);
	hospes_pvtime_init(vm);
	ret = hospes_tdp_init(&vm->tdp, hospes_ops->tdp_format,
			      hospes_ops->tdp_levels());
	if (ret)
		goto err_free;
	mmgrab(current->mm);
	vm->mm = current->mm;

	ret = anon_inode_getfd("hospes-vm", &vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (ret < 0)
		goto err_mm;
	return ret;

err_mm:
	mmdrop(vm->mm);
	hospes_tdp_destroy(&vm->tdp);
err_free:
	kfree(vm);
err_hw:
	hospes_hw_put();
	return ret;
}
