// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hypervisor-independent half of the loop bench (kvm_peer and
 * hospes_bench): guest memory, the timed run loop, the cases, repeats and
 * their output.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"

#define HUGE_2M	(2UL << 20)

enum case_kind {
	CASE_PIO,	/* OUT to BENCH_PORT_LOOP: each one an exit to the VMM */
	CASE_CPUID,	/* CPUID: answered in the kernel */
	CASE_TOUCH,	/* first write to fresh pages: nested page faults */
	CASE_HC_KERNEL,	/* VMMCALL the kernel answers */
	CASE_HC_VMM,	/* VMMCALL the kernel passes to the VMM */
};

enum touch_thp {
	TOUCH_NONE,	/* no slot 1 */
	TOUCH_4K,	/* slot 1 in 4 KiB host pages: one fault per page */
	TOUCH_THP,	/* slot 1 in transparent huge pages where possible */
};

struct bench_case {
	const char *name;
	const char *what;
	enum case_kind kind;
	enum touch_thp touch;
	/*
	 * The case this one is also reported against, as a ratio of the
	 * medians on each side: what it costs next to a known exit.
	 */
	const char *relative_to;
};

static const struct bench_case cases[] = {
	{ "pio_exit", "OUT in a loop, each one an exit to the VMM in userspace and back",
	  CASE_PIO, TOUCH_NONE, NULL },
	{ "cpuid", "CPUID in a loop, handled in the kernel",
	  CASE_CPUID, TOUCH_NONE, NULL },
	/*
	 * The test host's kernel has THP "always": without MADV_NOHUGEPAGE
	 * a hypervisor could map 2 MiB at a time and this would no longer
	 * time the 4 KiB nested fault path. (How many nested faults the
	 * 16384 pages take is still the hypervisor's choice: KVM takes one
	 * per page, a hypervisor that maps ahead takes fewer.) The THP
	 * variant after it shows what huge pages change.
	 */
	{ "touch_64m", "first write to each 4 KiB page of fresh memory held in 4 KiB host pages (THP off)",
	  CASE_TOUCH, TOUCH_4K, NULL },
	{ "touch_64m_thp", "the same over transparent huge pages (MADV_HUGEPAGE)",
	  CASE_TOUCH, TOUCH_THP, NULL },
	/*
	 * The PV ABI's two kinds of hypercall. Each side uses its own
	 * numbers (backend_hypercalls); the paths are the same kind: exit,
	 * decode, dispatch, result in RAX, and for the second a round trip
	 * through the VMM like pio_exit's.
	 */
	{ "hypercall_kernel", "VMMCALL in a loop with a number neither hypervisor has (0xffff), answered in the kernel (-ENOSYS, -KVM_ENOSYS): no exit to userspace",
	  CASE_HC_KERNEL, TOUCH_NONE, "pio_exit" },
	{ "hypercall_vmm", "VMMCALL in a loop that the kernel passes to the VMM in userspace, which answers at once (hospes: HOSPES_HC_VMM_BASE; kvm: KVM_HC_MAP_GPA_RANGE with KVM_CAP_EXIT_HYPERCALL)",
	  CASE_HC_VMM, TOUCH_NONE, "pio_exit" },
};

/* Iterations per case kind, from the command line. */
struct counts {
	uint32_t pio;		/* also the hypercall loops, compared with it */
	uint32_t cpuid;
	uint32_t touch_pages;
};

int bench_watchdog_expired(struct bench_err *err)
{
	if (!bench_watchdog_fired())
		return 0;
	return bench_fail(err, "no exit to userspace for %d s: guest or hypervisor stuck",
			  BENCH_RUN_TIMEOUT);
}

static const unsigned char *case_entry(const struct bench_case *bc)
{
	switch (bc->kind) {
	case CASE_PIO:
		return guest_pio;
	case CASE_CPUID:
		return guest_cpuid;
	case CASE_TOUCH:
		return guest_touch;
	default:
		return guest_vmmcall;
	}
}

static uint32_t case_iterations(const struct bench_case *bc,
				const struct counts *c)
{
	switch (bc->kind) {
	case CASE_CPUID:
		return c->cpuid;
	case CASE_TOUCH:
		return c->touch_pages;
	default:
		return c->pio;
	}
}

static void print_failed(const struct bench_case *bc, const char *why)
{
	bench_print_failed("result", backend_side, bc->name, bc->what, why);
}

int bench_setup_low(struct bench_vm_setup *setup, const unsigned char *entry,
		    struct bench_err *err)
{
	setup->low = mmap(NULL, BENCH_LOW_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (setup->low == MAP_FAILED)
		return bench_fail_errno(err, "mmap low memory");
	memcpy((char *)setup->low + BENCH_CODE_GPA, guest_begin,
	       guest_end - guest_begin);
	setup->eip = BENCH_CODE_GPA + (entry - guest_begin);
	return 0;
}

void *bench_map_aligned(size_t size, void **base, size_t *base_size)
{
	char *p;

	*base_size = size + HUGE_2M;
	p = mmap(NULL, *base_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	*base = p;
	return (void *)(((uintptr_t)p + HUGE_2M - 1) & ~(HUGE_2M - 1));
}

struct run_result {
	uint64_t cycles;
	char note[256];
};

/* Did the guest do what was timed? 0, or -1 with err filled. */
static int check_run(const struct bench_case *bc, struct bench_vm *vm,
		     const struct bench_vm_setup *setup, uint32_t n,
		     uint64_t outs, uint64_t calls, struct bench_err *err)
{
	uint64_t want_outs = bc->kind == CASE_PIO ? n : 0;
	uint64_t want_calls = bc->kind == CASE_HC_VMM ? n : 0;
	struct bench_regs regs;

	if (outs != want_outs)
		return bench_fail(err, "%llu loop OUTs, expected %llu",
				  (unsigned long long)outs,
				  (unsigned long long)want_outs);
	if (calls != want_calls)
		return bench_fail(err, "%llu hypercalls reached the VMM, expected %llu",
				  (unsigned long long)calls,
				  (unsigned long long)want_calls);
	if (backend_vm_get_regs(vm, &regs, err))
		return -1;
	switch (bc->kind) {
	case CASE_CPUID:
		if (!regs.ebx)
			return bench_fail(err, "CPUID leaf 0 returned EBX 0: no CPUID table?");
		break;
	case CASE_HC_KERNEL:
		if (regs.eax != backend_hypercalls.kernel_ret)
			return bench_fail(err, "hypercall %#x returned %#x, expected %#x",
					  backend_hypercalls.kernel_nr, regs.eax,
					  backend_hypercalls.kernel_ret);
		break;
	case CASE_HC_VMM:
		if (regs.eax != BENCH_HC_VMM_RET)
			return bench_fail(err, "hypercall %#x returned %#x, not the VMM's %#x",
					  backend_hypercalls.vmm_nr, regs.eax,
					  BENCH_HC_VMM_RET);
		break;
	case CASE_TOUCH:
		for (uint32_t i = 0; i < n; i++)
			if (((char *)setup->touch)[(size_t)i * BENCH_PAGE_SIZE] != 1)
				return bench_fail(err, "page %u of the touch area not written", i);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * One timed run in a fresh VM: fresh memory each time, since the touch
 * case must fault every page and the others should not differ from it in
 * how they are set up.
 */
static int run_once(const struct bench_case *bc, uint32_t n,
		    struct run_result *res, struct bench_err *err)
{
	struct bench_vm_setup setup = { 0 };
	struct bench_vm *vm = NULL;
	void *touch_base = NULL;
	size_t touch_base_size = 0;
	struct bench_exit ex;
	uint64_t t0, t1, outs = 0, calls = 0;
	int ret = -1;

	if (bench_setup_low(&setup, case_entry(bc), err))
		return -1;
	setup.ecx = n;
	if (bc->kind == CASE_HC_KERNEL)
		setup.edi = backend_hypercalls.kernel_nr;
	else if (bc->kind == CASE_HC_VMM)
		setup.edi = backend_hypercalls.vmm_nr;

	if (bc->touch != TOUCH_NONE) {
		setup.touch_size = (size_t)n * BENCH_PAGE_SIZE;
		setup.touch = bench_map_aligned(setup.touch_size, &touch_base,
					  &touch_base_size);
		if (!setup.touch) {
			bench_fail_errno(err, "mmap touch memory");
			goto out_unmap;
		}
		if (madvise(setup.touch, setup.touch_size,
			    bc->touch == TOUCH_THP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE)) {
			bench_fail_errno(err, "madvise touch memory");
			goto out_unmap;
		}
		setup.edi = BENCH_TOUCH_GPA;
	}

	if (backend_vm_create(&setup, &vm, err))
		goto out_unmap;
	bench_watchdog_start(BENCH_RUN_TIMEOUT);

	/* Up to the start marker, untimed: first entry, code page mapped. */
	if (backend_vm_run(vm, &ex, err))
		goto out_destroy;
	if (ex.kind != BENCH_EXIT_OUT || ex.port != BENCH_PORT_START) {
		bench_fail(err, "expected the start OUT, got %s", ex.desc);
		goto out_destroy;
	}

	t0 = bench_tsc();
	for (;;) {
		if (backend_vm_run(vm, &ex, err))
			goto out_destroy;
		if (ex.kind == BENCH_EXIT_OUT && ex.port == BENCH_PORT_LOOP) {
			outs++;
			continue;
		}
		if (ex.kind == BENCH_EXIT_HYPERCALL &&
		    ex.nr == backend_hypercalls.vmm_nr) {
			calls++;
			continue;
		}
		if (ex.kind == BENCH_EXIT_HLT)
			break;
		bench_fail(err, "unexpected exit after %llu OUTs and %llu hypercalls: %s",
			   (unsigned long long)outs, (unsigned long long)calls,
			   ex.desc);
		goto out_destroy;
	}
	t1 = bench_tsc();
	res->cycles = t1 - t0;

	if (check_run(bc, vm, &setup, n, outs, calls, err))
		goto out_destroy;
	backend_vm_note(vm, res->note, sizeof(res->note));
	ret = 0;

out_destroy:
	bench_watchdog_stop();
	backend_vm_destroy(vm);
out_unmap:
	if (touch_base)
		munmap(touch_base, touch_base_size);
	munmap(setup.low, BENCH_LOW_SIZE);
	return ret;
}

void bench_print_result(const char *name, const char *what, const char *op,
			 uint32_t n, unsigned int repeats, const double *per_op,
			 const double *ns_per_op, const char *relative_to,
			 const char *note)
{
	bench_print_head("result", backend_side, name, what);
	printf(",\"status\":\"ok\",\"iterations\":%u,\"repeats\":%u,\"op\":",
	       n, repeats);
	bench_json_str(stdout, op);
	bench_print_array("cycles_per_op", per_op, repeats, 1);
	printf(",\"median_cycles_per_op\":%.1f", bench_median(per_op, repeats));
	if (ns_per_op) {
		bench_print_array("ns_per_op", ns_per_op, repeats, 0);
		printf(",\"median_ns_per_op\":%.0f",
		       bench_median(ns_per_op, repeats));
	}
	if (relative_to) {
		printf(",\"relative_to\":");
		bench_json_str(stdout, relative_to);
	}
	printf(",\"note\":");
	bench_json_str(stdout, note);
	printf("}\n");
}

static int run_case(const struct bench_case *bc, uint32_t n,
		    unsigned int repeats)
{
	double per_op[repeats];
	struct run_result res;
	struct bench_err err;

	printf("# %s %s: %u iterations, %u runs\n", backend_side, bc->name,
	       n, repeats);
	for (unsigned int r = 0; r < repeats; r++) {
		memset(&res, 0, sizeof(res));
		if (run_once(bc, n, &res, &err)) {
			print_failed(bc, err.msg);
			return -1;
		}
		per_op[r] = (double)res.cycles / n;
		printf("# %s %s: run %u: %llu cycles, %.1f per op%s%s\n",
		       backend_side, bc->name, r + 1,
		       (unsigned long long)res.cycles, per_op[r],
		       res.note[0] ? "; " : "", res.note);
	}

	bench_print_result(bc->name, bc->what, "iteration", n, repeats, per_op, NULL,
		     bc->relative_to, res.note);
	return 0;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-r REPEATS] [-p PIO_ITERS] [-c CPUID_ITERS] [-m TOUCH_MIB]\n"
		"          [-d DIRTY_MIB]\n"
		"Times the shared guest loops on this program's hypervisor and prints\n"
		"\"# \" lines for people and \"BENCH {json}\" lines for bench/report.pl.\n"
		"-p counts the hypercall loops too, which are compared with pio_exit.\n"
		"-m changes the touch size, not the touch cases' names.\n"
		"-d is the size of the dirty-log rows' slot (default %u MiB); they are\n"
		"given per GiB all the same.\n",
		prog, BENCH_DEFAULT_DIRTY_MIB);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int repeats = BENCH_DEFAULT_REPEATS;
	/* The touch area must fit below 4 GiB: the guest is 32-bit. */
	uint32_t touch_mib = BENCH_DEFAULT_TOUCH_MIB;
	uint32_t dirty_mib = BENCH_DEFAULT_DIRTY_MIB;
	struct counts counts = {
		.pio = BENCH_DEFAULT_PIO,
		.cpuid = BENCH_DEFAULT_CPUID,
	};
	struct bench_err err;
	int opt, failed = 0;

	while ((opt = getopt(argc, argv, "r:p:c:m:d:h")) != -1) {
		switch (opt) {
		case 'r':
			repeats = bench_parse_count(optarg, 101);
			break;
		case 'p':
			counts.pio = bench_parse_count(optarg, UINT32_MAX);
			break;
		case 'c':
			counts.cpuid = bench_parse_count(optarg, UINT32_MAX);
			break;
		case 'm':
			touch_mib = bench_parse_count(optarg, 2048);
			break;
		case 'd':
			dirty_mib = bench_parse_count(optarg, 2048);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (optind != argc)
		usage(argv[0]);
	counts.touch_pages = touch_mib * ((1U << 20) / BENCH_PAGE_SIZE);

	setvbuf(stdout, NULL, _IOLBF, 0);
	bench_pin_to_last_cpu(backend_side);
	bench_print_host(backend_side);

	if (backend_open(&err)) {
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
			print_failed(&cases[i], err.msg);
		bench_dirty_failed(err.msg);
		return 1;
	}

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		if (run_case(&cases[i], case_iterations(&cases[i], &counts),
			     repeats))
			failed = 1;
	if (bench_dirty_rows(dirty_mib, repeats))
		failed = 1;
	return failed;
}
