// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pre-copy, as live migration usually goes: log dirty pages, send all of
 * memory while the guest runs, then rounds of the pages dirtied meanwhile
 * until what is left would go within the downtime target at the measured
 * bandwidth (or the rounds run out); then pause, send the rest and the
 * state. A save to a file is the same with no rounds: pause, then send.
 *
 * Nothing is given up until the end: the source guest is only paused, and
 * any failure before the target says it runs resumes it where it was.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "dirty.h"
#include "machine.h"
#include "outgoing.h"
#include "peer.h"
#include "ram.h"
#include "snapshot.h"
#include "stream.h"
#include "util.h"

/* The first bandwidth guess, before anything was measured. */
#define INITIAL_BANDWIDTH	(64.0 * MIB)
/* A pass shorter than this says little about bandwidth. */
#define MEASURE_MIN_BYTES	(256 * KIB)
/* While waiting for SUSPEND, send dirty pages this often (live). */
#define SUSPEND_SLICE_MS	50
/* How long the target may take to check the stream and start. */
#define TARGET_ANSWER_MS	(120 * 1000)
/* A target that takes nothing for this long is gone. */
#define TARGET_STALL_S		120

struct xfer {
	struct machine *m;
	const struct outgoing_opts *o;
	struct outgoing_result *res;
	struct stream_writer *w;
	int fd;
	uint64_t *pending;		/* live: dirty pages not yet sent */
	uint64_t *scratch;		/* live: the kernel's bitmap */
	double bandwidth;		/* bytes per second */
	uint64_t collected_ns;		/* live: when dirty pages were last fetched */
	unsigned int rounds_left;	/* live: of --max-rounds */
	struct saved_state state;	/* read once the guest is paused */
	bool timers_held;
	bool devices_held;
	uint64_t pause_realtime_ns;
	uint64_t pause_ns;		/* monotonic, for the downtime seen here */
	char *err;
	size_t errlen;
};

static int fail(struct xfer *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct xfer *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->err, x->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The target refused (it says why, then closes) or hung up: -1, else 0. */
static int target_spoke(struct xfer *x)
{
	char line[PEER_LINE_MAX];

	if (!x->o->live || !peer_spoke(x->fd))
		return 0;
	if (peer_hear(x->fd, line, sizeof(line), 1000))
		return fail(x, "%s", line);
	return fail(x, "the target refused: %s", line);
}

static int write_failed(struct xfer *x)
{
	/* Its process, ending, shut the connection down: not the target. */
	if (machine_stopping(x->m))
		return fail(x, "the guest stopped");
	if (target_spoke(x))
		return -1;
	return fail(x, "cannot send the stream: %s", strerror(x->w->error));
}

static uint64_t count_bits(const uint64_t *bitmap, uint64_t words)
{
	uint64_t n = 0, i;

	for (i = 0; i < words; i++)
		n += __builtin_popcountll(bitmap[i]);
	return n;
}

/* One pass over memory; measures the bandwidth. Pages sent in *pages. */
static int send_pass(struct xfer *x, const uint64_t *bitmap, bool skip_zero,
		     uint64_t *pages)
{
	struct ram_stats st = { 0 };
	uint64_t t0 = monotonic_ns(), b0 = x->w->bytes + x->w->len, dt, bytes;

	if (ram_put_pages(x->w, &x->m->mem, bitmap, skip_zero, &st) ||
	    stream_flush(x->w))
		return write_failed(x);
	dt = monotonic_ns() - t0;
	bytes = x->w->bytes - b0;
	if (bytes >= MEASURE_MIN_BYTES && dt)
		x->bandwidth = bytes * 1e9 / dt;
	*pages = st.data_pages + st.zero_pages;
	x->res->rounds++;
	return 0;
}

/* The guest stopped, or the target refused early: give up now. */
static int check_abort(struct xfer *x)
{
	if (machine_stopping(x->m))
		return fail(x, "the guest stopped");
	return target_spoke(x);
}

static double ms(double seconds)
{
	return seconds * 1000;
}

/*
 * Add the pages dirtied since the last look to the pending set; *rate is
 * how fast new ones came (bytes per second). 0, or -1 (x->err).
 */
static int collect(struct xfer *x, double *rate)
{
	int64_t fresh = dirty_collect(x->m, x->pending, x->scratch, x->err,
				      x->errlen);
	uint64_t now = monotonic_ns();

	if (fresh < 0)
		return -1;
	*rate = fresh * GUEST_PAGE_SIZE * 1e9 / (now - x->collected_ns + 1);
	x->collected_ns = now;
	return 0;
}

/* Send the pending dirty pages; they are clean after. */
static int send_pending(struct xfer *x, uint64_t *pages)
{
	if (send_pass(x, x->pending, false, pages))
		return -1;
	memset(x->pending, 0, dirty_words(x->m) * sizeof(uint64_t));
	return 0;
}

/*
 * Rounds of dirty pages while the guest runs, until what is left would
 * go within the downtime target at the measured bandwidth, or the rounds
 * allowed (--max-rounds, the first pass included) are used up. The pages
 * left stay pending.
 */
static int converge(struct xfer *x)
{
	const struct outgoing_opts *o = x->o;
	uint64_t words = dirty_words(x->m), pages, left, t0;
	double est, rate;

	for (;; x->rounds_left--) {
		if (check_abort(x) || collect(x, &rate))
			return -1;
		left = count_bits(x->pending, words);
		est = left * GUEST_PAGE_SIZE / x->bandwidth;
		if (ms(est) <= o->max_downtime_ms || !x->rounds_left) {
			if (o->report(o->ctx, "converged after %u rounds: %llu pages left, dirty rate %.1f MiB/s, estimated downtime %.0f ms%s",
				      x->res->rounds, (unsigned long long)left,
				      rate / MIB, ms(est),
				      ms(est) <= o->max_downtime_ms ? "" :
				      " (round limit reached)"))
				return fail(x, "the requester went away");
			return 0;
		}
		t0 = monotonic_ns();
		if (send_pending(x, &pages))
			return -1;
		if (o->report(o->ctx, "round %u: %llu pages in %.0f ms, %.1f MiB/s; dirty rate %.1f MiB/s; estimated downtime %.0f ms",
			      x->res->rounds, (unsigned long long)pages,
			      ms((monotonic_ns() - t0) / 1e9), x->bandwidth / MIB,
			      rate / MIB, ms(est)))
			return fail(x, "the requester went away");
	}
}

/* Live: all of memory while the guest runs, then rounds until it converges. */
static int precopy(struct xfer *x)
{
	const struct outgoing_opts *o = x->o;
	uint64_t pages, t0;

	if (dirty_start(x->m, x->err, x->errlen))
		return -1;
	t0 = x->collected_ns = monotonic_ns();
	if (send_pass(x, NULL, true, &pages))
		return -1;
	if (o->report(o->ctx, "round 1: all memory, %llu pages sent in %.0f ms, %.1f MiB/s",
		      (unsigned long long)pages, ms((monotonic_ns() - t0) / 1e9),
		      x->bandwidth / MIB))
		return fail(x, "the requester went away");
	x->rounds_left = o->max_rounds - 1;
	return converge(x);
}

/*
 * Let the guest quiesce (PV SUSPEND) within the timeout, then pause it.
 * Live, the guest runs meanwhile: its dirty pages keep going out, and if
 * it never suspends, rounds (those left) go on until the rest fits the
 * downtime again: the wait may have let much get dirty.
 */
static int quiesce(struct xfer *x)
{
	const struct outgoing_opts *o = x->o;
	uint64_t deadline = monotonic_ns() + o->suspend_timeout_ms * 1000000ull;
	unsigned int passes = 0;
	uint64_t pages, sent = 0;
	char meanwhile[64] = "";
	double rate;

	if (!machine_request_suspend(x->m)) {
		while (!machine_wait_suspended(x->m, o->live ? SUSPEND_SLICE_MS :
					       o->suspend_timeout_ms) &&
		       monotonic_ns() < deadline && !machine_stopping(x->m)) {
			if (!o->live)
				continue;
			if (collect(x, &rate) || send_pending(x, &pages))
				return -1;
			passes++;
			sent += pages;
		}
		x->res->guest_suspended = machine_end_suspend_wait(x->m);
		if (passes)
			snprintf(meanwhile, sizeof(meanwhile),
				 " (meanwhile %u passes, %llu pages)", passes,
				 (unsigned long long)sent);
		if (o->report(o->ctx, "%s%s", x->res->guest_suspended ?
			      "the guest suspended itself (PV SUSPEND)" :
			      "the guest did not call SUSPEND in time: taking its state as it is",
			      meanwhile))
			return fail(x, "the requester went away");
		if (o->live && !x->res->guest_suspended && converge(x))
			return -1;
	}
	if (machine_pause(x->m))
		return fail(x, "the guest stopped");
	x->pause_realtime_ns = realtime_ns();
	x->pause_ns = monotonic_ns();
	return 0;
}

/*
 * The kernel keeps PV timers running while the vCPUs are paused, and one
 * that fires writes its event into shared info. Held from the moment the
 * state is read, nothing changes guest memory any more: the last pages
 * sent and the RAM hash are what the copy gets. A timer that fired before
 * is in those pages; one still pending is in the state, and fires in the
 * copy. Released (hold false), each is armed again as it was. 0, or -1
 * with errno (HOSPES_SET_VCPU_EVENTS).
 */
static int hold_timers(struct xfer *x, bool hold)
{
	unsigned int i;

	for (i = 0; i < x->m->cfg->nr_vcpus; i++) {
		struct hospes_vcpu_events e = x->state.vcpus[i].events;

		if (hold)
			e.timer_deadline_ns = 0;
		if (vcpu_set_events(x->m->vcpus[i].fd, &e))
			return -1;
		x->timers_held = hold;
	}
	return 0;
}

/* The guest is paused: its state, the rest of memory, the state's sections, the end. */
static int finish(struct xfer *x)
{
	const struct outgoing_opts *o = x->o;
	uint64_t pages;
	double rate;

	snapshot_hold_devices(x->m, true);
	x->devices_held = true;
	if (snapshot_take(x->m, machine_suspended_vcpu(x->m), &x->state, x->err,
			  x->errlen))
		return -1;
	if (hold_timers(x, true))
		return fail(x, "cannot hold the guest's timers: HOSPES_SET_VCPU_EVENTS: %s",
			    strerror(errno));
	if (o->live ? collect(x, &rate) || send_pending(x, &pages) :
		      send_pass(x, NULL, true, &pages))
		return -1;
	if (snapshot_put_saved(x->w, x->m, &x->state))
		return write_failed(x);
	if (o->verify)
		x->res->ram_hash = ram_hash(&x->m->mem);
	if (snapshot_put_migration(x->w, x->pause_realtime_ns,
				   o->verify ? MIGRATION_F_RAM_HASH : 0,
				   x->res->ram_hash) ||
	    stream_put_end(x->w))
		return write_failed(x);
	x->res->bytes = x->w->bytes;
	return 0;
}

/* Live: the target's word decides; a file is synced. */
static int conclude(struct xfer *x)
{
	char line[PEER_LINE_MAX];
	unsigned long long us;

	if (!x->o->live) {
		if (fsync(x->fd) && errno != EINVAL)
			return fail(x, "cannot write the stream: %s", strerror(errno));
		return 0;
	}
	if (peer_hear(x->fd, line, sizeof(line), TARGET_ANSWER_MS))
		return fail(x, "%s", line);
	if (sscanf(line, "running downtime_us=%llu", &us) != 1)
		return fail(x, "the target refused: %s", line);
	x->res->downtime_us = us;
	x->res->answer_us = (monotonic_ns() - x->pause_ns) / 1000;
	return 0;
}

int outgoing_send(struct machine *m, int fd, const struct outgoing_opts *o,
		  struct outgoing_result *res, char *err, size_t errlen)
{
	uint64_t words = dirty_words(m), t0 = monotonic_ns();
	struct xfer x = {
		.m = m, .o = o, .res = res, .fd = fd, .err = err,
		.errlen = errlen, .bandwidth = INITIAL_BANDWIDTH,
	};
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (snapshot_can_save(m, err, errlen))
		return -1;
	x.w = malloc(sizeof(*x.w));
	if (o->live) {
		x.pending = calloc(words, sizeof(uint64_t));
		x.scratch = calloc(words, sizeof(uint64_t));
	}
	if (!x.w || (o->live && (!x.pending || !x.scratch))) {
		fail(&x, "out of memory");
		goto out;
	}
	if (o->live) {
		struct timeval stall = { .tv_sec = TARGET_STALL_S };

		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &stall, sizeof(stall));
	}
	stream_writer_init(x.w, fd);
	if (stream_put_header(x.w, o->live ? STREAM_F_LIVE : 0) ||
	    snapshot_put_config(x.w, m)) {
		write_failed(&x);
		goto out;
	}
	if ((o->live && precopy(&x)) || quiesce(&x) || finish(&x) ||
	    conclude(&x))
		goto out;
	res->total_ns = monotonic_ns() - t0;
	ret = 0;
out:
	/*
	 * For a source that runs on (failed, or resumed by the caller). Too
	 * late to fail: a target may run the guest already.
	 */
	if (x.timers_held && hold_timers(&x, false))
		fprintf(stderr, "hospes: cannot arm the guest's timers again: HOSPES_SET_VCPU_EVENTS: %s\n",
			strerror(errno));
	snapshot_release(&x.state);
	if (x.devices_held)
		snapshot_hold_devices(m, false);
	if (o->live)
		dirty_stop(m);
	/* Failed: the guest runs on where it was; a SUSPEND it made returns 0. */
	if (ret)
		machine_resume(m);
	free(x.w);
	free(x.pending);
	free(x.scratch);
	return ret;
}
