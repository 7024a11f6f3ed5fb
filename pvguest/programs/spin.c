// SPDX-License-Identifier: GPL-2.0-only
/*
 * spin (hidden): say so, then spin forever with interrupts on and without
 * a single exit of our own, for tests that stop a VM from outside (SIGTERM
 * to the VMM).
 */
#include "../console.h"
#include "../kernel.h"

int prog_spin(const struct args *a)
{
	static const char *const keys[] = { NULL };
	volatile uint64_t n = 0;

	if (args_check(a, keys))
		return 2;
	printk("spin: spinning forever\n");
	for (;;)
		n++;
}
