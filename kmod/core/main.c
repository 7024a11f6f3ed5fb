// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes: module entry and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include <linux/hospes.h>

#include "hospes.h"

static int __init hospes_init(void)
{
	int ret;

	ret = hospes_dev_register();
	if (ret)
		return ret;

	pr_info("loaded, API version %d\n", HOSPES_API_VERSION);
	return 0;
}

static void __exit hospes_exit(void)
{
	hospes_dev_unregister();
	pr_info("unloaded\n");
}

module_init(hospes_init);
module_exit(hospes_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hospes: a hosted hypervisor");
