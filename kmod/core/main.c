// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes: module entry, backend choice, and turning hardware virtualization
 * on in every CPU while at least one VM exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <asm/reboot.h>

#include "hospes.h"

const struct hospes_arch_ops *hospes_ops;

/*
 * The vendor backends. Each probe looks at CPUID and the firmware's
 * settings itself; the first that can run on this CPU is used.
 */
struct hospes_backend {
	const struct hospes_arch_ops *(*probe)(void);
	int (*init)(void);
	void (*exit)(void);
};

static const struct hospes_backend backends[] = {
	{ hospes_svm_probe, hospes_svm_init, hospes_svm_exit },
	{ hospes_vmx_probe, hospes_vmx_init, hospes_vmx_exit },
};

static const struct hospes_backend *backend;

/*
 * Virtualization is on in every online CPU while hw_users > 0. hw_lock
 * orders users against each other; the CPU hotplug lock orders them
 * against CPUs coming and going.
 */
static DEFINE_MUTEX(hw_lock);
static int hw_users;
static DEFINE_PER_CPU(bool, hw_enabled);
static atomic_t hw_enable_failed;
static enum cpuhp_state hotplug_state;

static void hw_enable_this_cpu(void *unused)
{
	if (__this_cpu_read(hw_enabled))
		return;
	if (hospes_ops->hardware_enable()) {
		atomic_inc(&hw_enable_failed);
		return;
	}
	__this_cpu_write(hw_enabled, true);
}

static void hw_disable_this_cpu(void *unused)
{
	if (!__this_cpu_read(hw_enabled))
		return;
	hospes_ops->hardware_disable();
	__this_cpu_write(hw_enabled, false);
}

/* On a crash or kexec, leave the CPUs as the next kernel expects them. */
static void hw_emergency_disable(void)
{
	if (__this_cpu_read(hw_enabled))
		hospes_ops->hardware_disable();
}

int hospes_hw_get(void)
{
	int ret = 0;

	cpus_read_lock();
	mutex_lock(&hw_lock);
	if (hw_users++ == 0) {
		atomic_set(&hw_enable_failed, 0);
		on_each_cpu(hw_enable_this_cpu, NULL, 1);
		if (atomic_read(&hw_enable_failed)) {
			on_each_cpu(hw_disable_this_cpu, NULL, 1);
			hw_users = 0;
			ret = -EBUSY;
		}
	}
	mutex_unlock(&hw_lock);
	cpus_read_unlock();
	return ret;
}

void hospes_hw_put(void)
{
	cpus_read_lock();
	mutex_lock(&hw_lock);
	if (--hw_users == 0)
		on_each_cpu(hw_disable_this_cpu, NULL, 1);
	mutex_unlock(&hw_lock);
	cpus_read_unlock();
}

/*
 * A CPU coming online while VMs exist must be able to run their vCPUs; a
 * CPU going away must not keep virtualization on.
 */
static int hw_cpu_online(unsigned int cpu)
{
	int ret = 0;

	mutex_lock(&hw_lock);
	if (hw_users) {
		atomic_set(&hw_enable_failed, 0);
		hw_enable_this_cpu(NULL);
		if (atomic_read(&hw_enable_failed)) {
			pr_warn("CPU %u: cannot enable virtualization\n", cpu);
			ret = -EBUSY;
		}
	}
	mutex_unlock(&hw_lock);
	return ret;
}

static int hw_cpu_offline(unsigned int cpu)
{
	mutex_lock(&hw_lock);
	hw_disable_this_cpu(NULL);
	mutex_unlock(&hw_lock);
	return 0;
}

static int __init hospes_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(backends) && !hospes_ops; i++) {
		backend = &backends[i];
		hospes_ops = backend->probe();
	}
	if (!hospes_ops) {
		pr_err("no usable hardware virtualization (AMD SVM with nested paging, or Intel VMX with EPT and unrestricted guest)\n");
		return -ENODEV;
	}
	ret = backend->init();
	if (ret)
		return ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "hospes:online",
					hw_cpu_online, hw_cpu_offline);
	if (ret < 0)
		goto err_backend;
	hotplug_state = ret;

	cpu_emergency_register_virt_callback(hw_emergency_disable);

	ret = hospes_dev_register();
	if (ret)
		goto err_hotplug;

	pr_info("loaded, API version %d, backend %s\n", HOSPES_API_VERSION,
		hospes_ops->name);
	return 0;

err_hotplug:
	cpu_emergency_unregister_virt_callback(hw_emergency_disable);
	cpuhp_remove_state_nocalls(hotplug_state);
err_backend:
	backend->exit();
	return ret;
}

static void __exit hospes_exit(void)
{
	hospes_dev_unregister();
	cpu_emergency_unregister_virt_callback(hw_emergency_disable);
	cpuhp_remove_state_nocalls(hotplug_state);
	backend->exit();
	pr_info("unloaded\n");
}

module_init(hospes_init);
module_exit(hospes_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hospes: a hosted hypervisor");
