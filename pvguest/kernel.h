/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: what every part of the kernel shares: the start-info page,
 * shutdown and panic, and the programs the command line picks.
 */
#ifndef PVGUEST_KERNEL_H
#define PVGUEST_KERNEL_H

#include <stdint.h>
#include <linux/hospes_pv.h>

#include "arch.h"

/* Crash codes passed to SHUTDOWN(CRASH, code). */
#define CRASH_EXCEPTION(vec)	(0x100 + (vec))	/* an unexpected exception */
#define CRASH_PANIC		0x200		/* panic() */
#define CRASH_BAD_START		0x201		/* unusable start-info page */

/* The image, from the linker script. */
extern char _image_start[], _image_end[];
extern char __bss_start[], __bss_end[];
extern char stack_guard[], boot_stack_bottom[], boot_stack_top[];

extern const struct hospes_start_info *start_info;

noreturn void shutdown(unsigned int reason, uint64_t code);
noreturn void poweroff(int status);
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void backtrace(uint64_t rbp);

/* The command line after the program name: "key=value" words. */
struct args {
	const char *prog;
	int argc;
	const char *key[16];
	const char *val[16];	/* NULL for a word without '=' */
};

/*
 * Check that every argument is one of the NULL-terminated keys and has a
 * value; prints what is wrong and returns -1 if not. arg_u64() powers off
 * with status 2 on a value that is not a number.
 */
int args_check(const struct args *a, const char *const *keys);
uint64_t arg_u64(const struct args *a, const char *key, uint64_t def);
const char *arg_str(const struct args *a, const char *key, const char *def);

/* A program: returns the exit status for SHUTDOWN(POWEROFF). */
struct program {
	const char *name;
	int (*main)(const struct args *a);
	const char *usage;
	int hidden;		/* a test helper, not listed */
};

int prog_hello(const struct args *a);
int prog_compute(const struct args *a);
int prog_memtouch(const struct args *a);
int prog_timer(const struct args *a);
int prog_ring(const struct args *a);
int prog_counter(const struct args *a);
int prog_conbench(const struct args *a);
int prog_badcalls(const struct args *a);
int prog_spin(const struct args *a);
int prog_crash(const struct args *a);

#endif /* PVGUEST_KERNEL_H */
