/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hospes bench: the same guest loops, timed on two hypervisors, and the
 * PV guest's figures on hospes alone.
 *
 * One loop program per hypervisor (kvm_peer on /dev/kvm, hospes_bench on
 * /dev/hospes). Everything that decides what is measured lives in
 * loops.c and guest.S, shared by both: the guest bytes, the memory
 * layout, the run loop that counts exits and reads the TSC, the repeats
 * and the median. A backend only translates "make a VM", "run until the
 * next exit" and "read the registers" into its own ioctls.
 *
 * pv_bench runs pvguest under `hospes run` (console output both ways,
 * compute) and compute-native beside it. common.c holds what all three
 * programs share: failures, the output lines, medians, the watchdog.
 */
#ifndef HOSPES_BENCH_H
#define HOSPES_BENCH_H

/* Shared with guest.S, so only preprocessor constants above this line. */

/*
 * Guest ports. Neither VMM models any device (no in-kernel irqchip or
 * PIT on the KVM side), so every port exits to userspace; these two are
 * just far from the ones a PC guest would normally poke.
 */
#define BENCH_PORT_START	0xe0	/* "set up, start the clock now" */
#define BENCH_PORT_LOOP		0xe1	/* one iteration of the port-I/O loop */
#define BENCH_PORT_PASS		0xe2	/* the dirtying loop wrote every page once */

/*
 * Guest-physical layout. Slot 0 is low memory holding the code; slot 1
 * the memory the touch loop writes. Slot 1 starts 2 MiB-aligned so that a
 * hypervisor may back it with 2 MiB nested pages when the host page is a
 * transparent huge page (guest and host address congruent modulo 2 MiB).
 */
#define BENCH_LOW_SIZE		0x100000	/* 1 MiB at GPA 0 */
#define BENCH_CODE_GPA		0x1000
#define BENCH_TOUCH_GPA		0x200000
#define BENCH_PAGE_SIZE		4096

/*
 * A hypercall number neither hypervisor has: each answers it in the
 * kernel with its "no such call" error, the least work a hypercall can be.
 */
#define BENCH_HC_UNKNOWN	0xffff
/* What the VMM answers to the hypercall passed to it; the host checks EAX. */
#define BENCH_HC_VMM_RET	0x600d

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- common.c: shared by every bench program -------------------------- */

/* Why something failed, for the report: one line, no errno lookup later. */
struct bench_err {
	char msg[256];
};

int bench_fail(struct bench_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int bench_fail_errno(struct bench_err *err, const char *what);

/*
 * A watchdog for anything that may hang (a guest, a child process): from
 * seconds on, SIGALRM interrupts the blocking call every second, which
 * comes back with EINTR; bench_watchdog_fired() then says whether to give
 * up (the time is over) or carry on (a stray signal). Until then no
 * signal comes at all, so timed runs are not disturbed.
 */
void bench_watchdog_start(unsigned int seconds);
void bench_watchdog_stop(void);
bool bench_watchdog_fired(void);

/*
 * Output: lines starting with "# " are for people, lines starting with
 * "BENCH " carry one JSON object each for bench/report.pl, which joins
 * every program's lines into results.json.
 */
void bench_json_str(FILE *f, const char *s);
/* The "host" line: kernel and CPU, once per program run. */
void bench_print_host(const char *side);
/* The start of a line of type: side, bench, what; the caller ends it. */
void bench_print_head(const char *type, const char *side, const char *bench,
		      const char *what);
/* A whole line of type saying that bench failed on side, and why. */
void bench_print_failed(const char *type, const char *side, const char *bench,
			const char *what, const char *why);
/* ,"key":[v,...] with that many decimals: the runs of a result. */
void bench_print_array(const char *key, const double *v, unsigned int n,
		       int decimals);

double bench_median(const double *v, unsigned int n);
/* A count in 1..max from the command line, or exit 2 saying what is wrong. */
unsigned long bench_parse_count(const char *arg, unsigned long max);
/*
 * One CPU for the whole program and its children: the TSC is read on the
 * same CPU before and after, and nothing migrates between runs.
 */
void bench_pin_to_last_cpu(const char *side);

double bench_now_ns(void);	/* CLOCK_MONOTONIC */

/*
 * A child process (a VMM, a migration client) whose stdout and stderr
 * come back through one pipe, read as it goes: what it printed, and when
 * each part of it arrived, so that a line can be waited for and timed.
 */
#define BENCH_PROC_OUT_MAX	(256 * 1024)

struct bench_proc {
	pid_t pid;		/* 0: never started */
	int fd;			/* the pipe, -1 once at its end */
	int status;		/* exit status, 128 + signal; -1 before the end */
	double start_ns;	/* bench_now_ns() just before the fork */
	double read_ns;		/* ... just after the latest read */
	int log;		/* a copy of all of it, or -1 */
	size_t len;
	char out[BENCH_PROC_OUT_MAX + 1];	/* the start, then the end */
};

/* Start argv[0] (stdin /dev/null, env as ours). 0, or -1 with err filled. */
int bench_proc_start(struct bench_proc *p, char *const argv[],
		     struct bench_err *err);
/*
 * The same, and everything it prints is also written whole to the file
 * log (made anew), which out[] may not keep: what a failure left behind.
 */
int bench_proc_start_logged(struct bench_proc *p, char *const argv[],
			    const char *log, struct bench_err *err);
/*
 * Read until want appears at or after offset from, or timeout seconds
 * pass, or the output ends. Returns 1 if it appeared (*at_ns, if not
 * NULL, is when the read that brought it returned; *end the offset just
 * after it), else 0.
 */
int bench_proc_wait(struct bench_proc *p, size_t from, const char *want,
		    double timeout, double *at_ns, size_t *end);
/* Read to the end and reap it (SIGKILL after timeout s): its status. */
int bench_proc_finish(struct bench_proc *p, double timeout);
/* SIGTERM, then finish: its status. Nothing if it never ran or is reaped. */
int bench_proc_stop(struct bench_proc *p);
/* The last len bytes or fewer of its output, for a failure message. */
const char *bench_proc_tail(const struct bench_proc *p, size_t len);
/* Its last lines (up to lines of them) on stdout as "# who| line". */
void bench_proc_print_lines(const struct bench_proc *p, const char *who,
			    unsigned int lines);

/* ---- loops.c and the two backends ------------------------------------- */

/* Defaults: a few seconds per side under TCG, where one exit is ~50k cycles. */
#define BENCH_DEFAULT_REPEATS	5
#define BENCH_DEFAULT_PIO	10000
#define BENCH_DEFAULT_CPUID	10000
#define BENCH_DEFAULT_TOUCH_MIB	64
/*
 * The dirty-log slot: 1 GiB, the size the rows are given per. The test
 * host has the memory for it (bench mode boots it with more).
 */
#define BENCH_DEFAULT_DIRTY_MIB	1024

/*
 * A run that does not end within BENCH_RUN_TIMEOUT seconds is stuck. A
 * backend whose run ioctl fails with EINTR asks bench_watchdog_expired()
 * whether to give up (-1, err filled) or carry on (0: a stray signal).
 */
#define BENCH_RUN_TIMEOUT	120
int bench_watchdog_expired(struct bench_err *err);

/*
 * The TSC as the host VMM sees it. The LFENCE keeps the read from
 * drifting ahead of the preceding instructions; the ioctls around it are
 * system calls, which do the rest of the ordering.
 */
static inline uint64_t bench_tsc(void)
{
	uint32_t lo, hi;

	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

/*
 * The VM's low memory (slot 0), BENCH_LOW_SIZE bytes with guest.S's code
 * at BENCH_CODE_GPA, and setup->eip at entry: 0, or -1 with err filled.
 */
struct bench_vm_setup;
int bench_setup_low(struct bench_vm_setup *setup, const unsigned char *entry,
		    struct bench_err *err);

/*
 * Anonymous memory aligned to 2 MiB (mmap gives 4 KiB alignment only),
 * so that a THP-backed slot starts on a huge page. Unmap *base,
 * *base_size; NULL if mmap failed.
 */
void *bench_map_aligned(size_t size, void **base, size_t *base_size);

/*
 * A row's result line: its runs in cycles per op (and ns per op, if
 * given), their median, and what an op is ("iteration", "page", "GiB").
 */
void bench_print_result(const char *name, const char *what, const char *op,
			uint32_t n, unsigned int repeats, const double *per_op,
			const double *ns_per_op, const char *relative_to,
			const char *note);

/*
 * dirty.c: the dirty-log rows (fetch and re-arm, per GiB), repeats runs
 * over a logging slot of mib MiB. 0, or -1 after printing the failure.
 */
int bench_dirty_rows(uint32_t mib, unsigned int repeats);
/* Each dirty-log row's failed line, for why: when nothing could run. */
void bench_dirty_failed(const char *why);

/* guest.S: position-independent 32-bit code, copied to BENCH_CODE_GPA. */
extern const unsigned char guest_begin[], guest_end[];
extern const unsigned char guest_pio[], guest_cpuid[], guest_touch[];
extern const unsigned char guest_vmmcall[], guest_dirty[];

/* What a backend needs to build one VM with one vCPU. */
struct bench_vm_setup {
	void *low;		/* BENCH_LOW_SIZE bytes, guest code in it */
	void *touch;		/* slot 1 at BENCH_TOUCH_GPA, or NULL */
	size_t touch_size;
	bool log_dirty;		/* slot 1 with dirty-page logging on */
	/*
	 * Flat 32-bit protected mode, no paging, interrupts off; these are
	 * the only registers the guest code reads.
	 */
	uint32_t eip, ecx, edi;
};

enum bench_exit_kind {
	BENCH_EXIT_OUT,		/* OUT to port; the VMM just resumes */
	/*
	 * A hypercall passed to the VMM, number nr: the backend has already
	 * given the guest BENCH_HC_VMM_RET as its result.
	 */
	BENCH_EXIT_HYPERCALL,
	BENCH_EXIT_HLT,		/* HLT with interrupts off: the guest is done */
	BENCH_EXIT_OTHER,	/* anything else: the run fails with desc */
};

struct bench_exit {
	enum bench_exit_kind kind;
	uint16_t port;
	uint64_t nr;
	char desc[128];
};

/* The guest registers the host checks after a run. */
struct bench_regs {
	uint32_t eax, ebx;
};

/*
 * The hypercalls of the two VMMCALL cases on this hypervisor: one its
 * kernel answers by itself, one it passes to the VMM.
 */
struct bench_hypercalls {
	uint32_t kernel_nr;	/* answered in the kernel ... */
	uint32_t kernel_ret;	/* ... with this in EAX */
	uint32_t vmm_nr;	/* passed to the VMM */
};

struct bench_vm;

/*
 * The backend, one per program. side is "kvm" or "hospes": the name in
 * the output. backend_open() opens and checks the device once.
 */
extern const char backend_side[];
extern const struct bench_hypercalls backend_hypercalls;
int backend_open(struct bench_err *err);
int backend_vm_create(const struct bench_vm_setup *setup,
		      struct bench_vm **vmp, struct bench_err *err);
/* Enter the guest until the next exit to userspace, and describe it. */
int backend_vm_run(struct bench_vm *vm, struct bench_exit *exit,
		   struct bench_err *err);
int backend_vm_get_regs(struct bench_vm *vm, struct bench_regs *regs,
			struct bench_err *err);
/*
 * Fetch slot 1's dirty bitmap and re-arm its logging, in the hypervisor's
 * one ioctl for that. bitmap holds a bit per page of the slot, rounded up
 * to whole 64-bit words; what it held before is overwritten.
 */
int backend_vm_get_dirty_log(struct bench_vm *vm, uint64_t *bitmap,
			     struct bench_err *err);
/*
 * Optional facts about the finished run (exit counters, say) for the
 * log; may leave buf empty.
 */
void backend_vm_note(struct bench_vm *vm, char *buf, size_t len);
void backend_vm_destroy(struct bench_vm *vm);

#endif /* __ASSEMBLER__ */
#endif /* HOSPES_BENCH_H */
