// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/hospes: the system-wide entry point of the ioctl ABI.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <asm/tsc.h>

#include "hospes.h"

static long hospes_dev_ioctl(struct file *file, unsigned int cmd,
			     unsigned long arg)
{
	switch (cmd) {
	case HOSPES_GET_API_VERSION:
		/* A non-zero argument is reserved for a future meaning. */
		if (arg)
			return -EINVAL;
		return HOSPES_API_VERSION;
	case HOSPES_CREATE_VM:
		/* The machine type: only the one kind exists so far. */
		if (arg)
			return -EINVAL;
		return hospes_vm_create_fd();
	case HOSPES_GET_RUN_SIZE:
		if (arg)
			return -EINVAL;
		return PAGE_SIZE;
	case HOSPES_GET_GUEST_PHYS_BITS:
		if (arg)
			return -EINVAL;
		return hospes_guest_phys_bits();
	case HOSPES_GET_TSC_KHZ:
		if (arg)
			return -EINVAL;
		return tsc_khz;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hospes_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= hospes_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*
 * 0660: root and the group the administrator gives the node to (udev rule)
 * may run VMs; everyone else may not, as with /dev/kvm on most distributions.
 */
static struct miscdevice hospes_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "hospes",
	.fops	= &hospes_dev_fops,
	.mode	= 0660,
};

int hospes_dev_register(void)
{
	return misc_register(&hospes_miscdev);
}

void hospes_dev_unregister(void)
{
	misc_deregister(&hospes_miscdev);
}
