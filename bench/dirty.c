// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dirty-log rows of the loop bench, shared by kvm_peer and
 * hospes_bench: what fetching and re-arming a logging slot's dirty bitmap
 * costs, the step live migration repeats every round.
 *
 * One VM per run, its slot 1 logging from the start. The guest
 * (guest_dirty) writes one byte to every page of the slot, pass after
 * pass, and stops at an OUT after each. The first pass maps the pages and
 * the fetch after it sets the log going, untimed. Then, timed:
 *
 *   dirty_rewrite     the guest's next pass: every write hits a page the
 *                     fetch write-protected again, so this is the re-arm's
 *                     other half, the write fault per page
 *   dirty_fetch_all   the fetch after it: every page dirty, all of them
 *                     reported and write-protected again
 *   dirty_fetch_none  a second fetch at once: nothing dirty, the bitmap
 *                     walked and copied all the same
 *
 * KVM is used as a VMM uses it by default: KVM_GET_DIRTY_LOG without
 * KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2, which fetches and write-protects in
 * the one call, as hospes's HOSPES_GET_DIRTY_LOG does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "bench.h"

#define GIB		(1ull << 30)

enum { DIRTY_REWRITE, DIRTY_FETCH_ALL, DIRTY_FETCH_NONE, N_DIRTY };

static const struct {
	const char *name, *what, *op;
} rows[N_DIRTY] = {
	[DIRTY_REWRITE] = {
		"dirty_rewrite",
		"the guest writes one byte to each 4 KiB page of a dirty-logging slot after a fetch re-armed it: a write-protection fault per page",
		"page",
	},
	[DIRTY_FETCH_ALL] = {
		"dirty_fetch_all",
		"fetch and re-arm the dirty log of a slot whose every page the guest wrote (hospes: HOSPES_GET_DIRTY_LOG; kvm: KVM_GET_DIRTY_LOG, manual protect off), per GiB of slot",
		"GiB",
	},
	[DIRTY_FETCH_NONE] = {
		"dirty_fetch_none",
		"the same fetch at once again, nothing dirty, per GiB of slot",
		"GiB",
	},
};

struct dirty_vm {
	struct bench_vm *vm;
	uint64_t *bitmap;
	uint32_t pages;
};

static size_t bitmap_words(uint32_t pages)
{
	return (pages + 63) / 64;
}

static uint64_t count_bits(const uint64_t *bitmap, uint32_t pages)
{
	uint64_t n = 0;

	for (size_t i = 0; i < bitmap_words(pages); i++)
		n += __builtin_popcountll(bitmap[i]);
	return n;
}

/* Resume the guest until it ends a pass; anything else is a failure. */
static int run_pass(struct dirty_vm *d, uint16_t want, struct bench_err *err)
{
	struct bench_exit ex;

	if (backend_vm_run(d->vm, &ex, err))
		return -1;
	if (ex.kind != BENCH_EXIT_OUT || ex.port != want)
		return bench_fail(err, "expected an OUT to port %#x, got %s",
				  want, ex.kind == BENCH_EXIT_OUT ?
				  "an OUT to another port" : ex.desc);
	return 0;
}

/* The clocks at the start of a timed step. */
struct stamp {
	double ns;
	uint64_t tsc;
};

static struct stamp stamp_now(void)
{
	struct stamp s = { .ns = bench_now_ns() };

	s.tsc = bench_tsc();
	return s;
}

/* The step that began at s took this long: into row of cycles and ns. */
static void stamp_end(const struct stamp *s, int row, double *cycles,
		      double *ns)
{
	cycles[row] = (double)(bench_tsc() - s->tsc);
	ns[row] = bench_now_ns() - s->ns;
}

/*
 * A fetch that must report exactly want pages dirty; with cycles, the
 * ioctl alone is timed into row of cycles and ns.
 */
static int fetch(struct dirty_vm *d, uint64_t want, int row, double *cycles,
		 double *ns, struct bench_err *err)
{
	struct stamp s;
	uint64_t got;

	/* Not zeroes: the call must overwrite every word. */
	memset(d->bitmap, 0xa5, bitmap_words(d->pages) * sizeof(uint64_t));
	s = stamp_now();
	if (backend_vm_get_dirty_log(d->vm, d->bitmap, err))
		return -1;
	if (cycles)
		stamp_end(&s, row, cycles, ns);
	got = count_bits(d->bitmap, d->pages);
	if (got != want)
		return bench_fail(err, "the dirty log has %llu pages, expected %llu",
				  (unsigned long long)got,
				  (unsigned long long)want);
	return 0;
}

/* The three timed steps, after the untimed first pass and fetch. */
static int timed_steps(struct dirty_vm *d, double *cycles, double *ns,
		       struct bench_err *err)
{
	struct stamp s = stamp_now();

	if (run_pass(d, BENCH_PORT_PASS, err))
		return -1;
	stamp_end(&s, DIRTY_REWRITE, cycles, ns);
	return fetch(d, d->pages, DIRTY_FETCH_ALL, cycles, ns, err) ||
	       fetch(d, 0, DIRTY_FETCH_NONE, cycles, ns, err) ? -1 : 0;
}

static int run_once(uint32_t pages, double *cycles, double *ns, char *note,
		    size_t note_len, struct bench_err *err)
{
	struct bench_vm_setup setup = { 0 };
	struct dirty_vm d = { .pages = pages };
	void *base = NULL;
	size_t base_size = 0;
	int ret = -1;

	if (bench_setup_low(&setup, guest_dirty, err))
		return -1;
	setup.ecx = pages;
	setup.edi = BENCH_TOUCH_GPA;
	setup.touch_size = (size_t)pages * BENCH_PAGE_SIZE;
	setup.log_dirty = true;
	d.bitmap = calloc(bitmap_words(pages), sizeof(uint64_t));
	setup.touch = bench_map_aligned(setup.touch_size, &base, &base_size);
	if (!d.bitmap || !setup.touch) {
		bench_fail(err, "out of memory for a %zu MiB slot",
			   setup.touch_size >> 20);
		goto out;
	}
	/*
	 * Logging maps 4 KiB pages in the guest whatever backs them; 4 KiB
	 * host pages too keep the host's side of it alike on both.
	 */
	if (madvise(setup.touch, setup.touch_size, MADV_NOHUGEPAGE)) {
		bench_fail_errno(err, "madvise slot memory");
		goto out;
	}
	if (backend_vm_create(&setup, &d.vm, err))
		goto out;
	bench_watchdog_start(BENCH_RUN_TIMEOUT);
	/* Untimed: the first pass maps every page, the first fetch arms. */
	if (run_pass(&d, BENCH_PORT_START, err) ||
	    run_pass(&d, BENCH_PORT_PASS, err) ||
	    fetch(&d, pages, 0, NULL, NULL, err))
		goto out;
	if (timed_steps(&d, cycles, ns, err))
		goto out;
	backend_vm_note(d.vm, note, note_len);
	ret = 0;
out:
	bench_watchdog_stop();
	backend_vm_destroy(d.vm);
	if (base)
		munmap(base, base_size);
	free(d.bitmap);
	munmap(setup.low, BENCH_LOW_SIZE);
	return ret;
}

void bench_dirty_failed(const char *why)
{
	for (int i = 0; i < N_DIRTY; i++)
		bench_print_failed("result", backend_side, rows[i].name,
				   rows[i].what, why);
}

int bench_dirty_rows(uint32_t mib, unsigned int repeats)
{
	uint32_t pages = mib * ((1u << 20) / BENCH_PAGE_SIZE);
	/* Per page for the guest's pass; per GiB of slot for the fetches. */
	double scale[N_DIRTY] = {
		[DIRTY_REWRITE] = 1.0 / pages,
		[DIRTY_FETCH_ALL] = (double)GIB / ((uint64_t)pages * BENCH_PAGE_SIZE),
		[DIRTY_FETCH_NONE] = (double)GIB / ((uint64_t)pages * BENCH_PAGE_SIZE),
	};
	double per_op[N_DIRTY][repeats], ns_per_op[N_DIRTY][repeats];
	double cycles[N_DIRTY], ns[N_DIRTY];
	struct bench_err err;
	char note[256] = "";

	printf("# %s dirty log: a %u MiB slot, %u runs\n", backend_side, mib,
	       repeats);
	for (unsigned int r = 0; r < repeats; r++) {
		if (run_once(pages, cycles, ns, note, sizeof(note), &err)) {
			bench_dirty_failed(err.msg);
			return -1;
		}
		for (int i = 0; i < N_DIRTY; i++) {
			per_op[i][r] = cycles[i] * scale[i];
			ns_per_op[i][r] = ns[i] * scale[i];
		}
		printf("# %s dirty log: run %u: rewrite %.0f cycles a page, fetch all %.1f ms, fetch none %.1f ms (for %u MiB); %s\n",
		       backend_side, r + 1, per_op[DIRTY_REWRITE][r],
		       ns[DIRTY_FETCH_ALL] / 1e6, ns[DIRTY_FETCH_NONE] / 1e6,
		       mib, note);
	}
	for (int i = 0; i < N_DIRTY; i++)
		bench_print_result(rows[i].name, rows[i].what, rows[i].op, pages,
				   repeats, per_op[i], ns_per_op[i], NULL, note);
	return 0;
}
