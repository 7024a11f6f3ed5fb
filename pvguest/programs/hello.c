// SPDX-License-Identifier: GPL-2.0-only
/* hello: say hello, the ABI version and the memory size; exit 0. */
#include "../console.h"
#include "../hypercall.h"
#include "../kernel.h"
#include "../time.h"

int prog_hello(const struct args *a)
{
	static const char *const keys[] = { NULL };
	uint64_t sec;
	uint32_t nsec;

	if (args_check(a, keys))
		return 2;
	time_wall(&sec, &nsec);
	printk("Hello from pvguest\n");
	printk("hello: ABI version %u, memory %llu MiB (%llu bytes), "
	       "%u vCPU(s), uptime %llu us, wall clock %llu.%09u\n",
	       hospes.abi_version,
	       (unsigned long long)(start_info->mem_bytes >> 20),
	       (unsigned long long)start_info->mem_bytes, start_info->nr_vcpus,
	       (unsigned long long)(time_ns() / NSEC_PER_USEC),
	       (unsigned long long)sec, nsec);
	return 0;
}
