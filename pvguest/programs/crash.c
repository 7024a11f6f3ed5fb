// SPDX-License-Identifier: GPL-2.0-only
/*
 * crash (hidden): take an exception (or panic) on purpose, to test the
 * crash path: the report on the console and SHUTDOWN(CRASH, code).
 *   what=pf     read from unmapped page 0 (NULL)      code 0x10e
 *   what=ud     ud2                                   code 0x106
 *   what=de     divide by zero                        code 0x100
 *   what=gp     non-canonical address                 code 0x10d
 *   what=panic  panic()                               code 0x200
 *   what=stack  recurse until the stack overflows    (#PF or #DF)
 */
#include "../console.h"
#include "../kernel.h"
#include "../string.h"

static int recurse(volatile int depth)
{
	volatile char pad[512];

	pad[0] = (char)depth;
	if (depth > 1000000)	/* never: 64 KiB of stack runs out first */
		return 0;
	return recurse(depth + 1) + pad[0];
}

/* Hidden from the compiler, which would rather warn than emit the load. */
static uintptr_t bad_address(uintptr_t a)
{
	volatile uintptr_t v = a;

	return v;
}

int prog_crash(const struct args *a)
{
	static const char *const keys[] = { "what", NULL };
	const char *what;

	if (args_check(a, keys))
		return 2;
	what = arg_str(a, "what", "pf");
	printk("crash: %s\n", what);
	console_flush();
	if (!strcmp(what, "pf"))
		return (int)*(volatile uint64_t *)bad_address(0x8);
	if (!strcmp(what, "ud"))
		__asm__ __volatile__("ud2");
	if (!strcmp(what, "de")) {
		volatile unsigned int zero = 0;

		return (int)(100 / zero);
	}
	if (!strcmp(what, "gp"))
		return (int)*(volatile uint64_t *)
			bad_address(0x8000000000000000ull);
	if (!strcmp(what, "panic"))
		panic("crash: on request");
	if (!strcmp(what, "stack"))
		return recurse(0);
	printk("crash: unknown what=%s\n", what);
	return 2;
}
