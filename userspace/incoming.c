// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "incoming.h"
#include "linux.h"
#include "machine.h"
#include "peer.h"
#include "ram.h"
#include "serve.h"
#include "util.h"

/* A source that sends nothing for this long is gone. */
#define SOURCE_SILENCE_S	120

/*
 * The configuration comes first: it says how much RAM to make; then, from
 * format 1.1 on, the machine's kind. The section after them is left in
 * *next.
 */
static int load_config(struct stream_reader *r, struct machine *m,
		       struct vm_config *cfg, struct snapshot *s,
		       int (*create)(struct machine *m),
		       struct stream_section *next)
{
	struct stream_section sec;
	uint32_t flags;

	if (stream_get_header(r, &flags) || stream_get_section(r, &sec))
		return -1;
	if (sec.type != SEC_CONFIG)
		return stream_fail(r, "the stream does not start with the VM's configuration");
	if (snapshot_get_config(r, s, &sec, cfg) || stream_get_section(r, next))
		return -1;
	if (next->type == SEC_MACHINE &&
	    (snapshot_get_machine(r, s, next, cfg) || stream_get_section(r, next)))
		return -1;
	if (create(m))
		return stream_fail(r, "cannot create a VM of %llu MiB here",
				   (unsigned long long)(cfg->mem_bytes >> 20));
	return 0;
}

/* Every section from sec up to END, memory into RAM, the rest into s. */
static int load_sections(struct stream_reader *r, struct machine *m,
			 struct snapshot *s, struct stream_section sec)
{
	for (;;) {
		if (sec.type == SEC_END)
			return stream_check_end(r, &sec);
		if (sec.type == SEC_MEMORY) {
			if (ram_get_section(r, &m->mem, sec.length))
				return -1;
		} else if (snapshot_get_section(r, s, &sec)) {
			return -1;
		}
		if (stream_get_section(r, &sec))
			return -1;
	}
}

int incoming_read(struct stream_reader *r, struct machine *m,
		  struct vm_config *cfg, struct snapshot *s,
		  int (*create)(struct machine *m))
{
	struct stream_section next;

	if (load_config(r, m, cfg, s, create, &next) ||
	    load_sections(r, m, s, next))
		return -1;
	return snapshot_check(r, s);
}

static int create_vm(struct machine *m)
{
	return machine_alloc_ram(m) || machine_create_vm(m) ? -1 : 0;
}

int incoming_load(struct machine *m, struct vm_config *cfg, struct snapshot *s,
		  const struct boot_override *ov, int fd, char *err,
		  size_t errlen)
{
	struct stream_reader *r = malloc(sizeof(*r));
	int ret = -1;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	stream_reader_init(r, fd);
	if (incoming_read(r, m, cfg, s, create_vm)) {
		snprintf(err, errlen, "refused the stream: %s", r->error);
		goto out;
	}
	if (s->has_migration && (s->migration_flags & MIGRATION_F_RAM_HASH)) {
		uint64_t here = ram_hash(&m->mem);

		if (here != s->ram_hash) {
			snprintf(err, errlen, "guest RAM hashes to %016llx here, %016llx at the source's pause",
				 (unsigned long long)here,
				 (unsigned long long)s->ram_hash);
			goto out;
		}
		fprintf(stderr, "hospes: guest RAM hash %016llx, as at the source's pause\n",
			(unsigned long long)here);
	}
	if (snapshot_check_cpu(s, err, errlen))
		goto out;
	if (boot_record_apply(&s->boot, ov, cfg, err, errlen))
		goto out;
	boot_record_check_files(cfg);
	if (console_open(&m->console, cfg->console)) {
		snprintf(err, errlen, "cannot open the console");
		goto out;
	}
	m->console_open = true;
	if (snapshot_apply(m, s)) {
		snprintf(err, errlen, "cannot recreate the VM from the stream (see the target's log)");
		goto out;
	}
	ret = 0;
out:
	free(r);
	return ret;
}

struct confirm_ctx {
	int fd;
	const struct snapshot *s;
};

/*
 * The guest runs here now: tell the source, which stops its copy. If it
 * cannot hear it, it will resume its own: this copy must not run on.
 */
static int confirm(void *arg)
{
	const struct confirm_ctx *c = arg;
	uint64_t now = realtime_ns(), us = 0;

	if (c->s->has_migration && now > c->s->pause_realtime_ns)
		us = (now - c->s->pause_realtime_ns) / 1000;
	if (peer_say(c->fd, "running downtime_us=%llu", (unsigned long long)us)) {
		fprintf(stderr, "hospes: the source cannot hear that the guest runs here: stopping this copy\n");
		return -1;
	}
	fprintf(stderr, "hospes: migration complete: downtime %.1f ms (source pause to resume here, by the two hosts' clocks)\n",
		us / 1000.0);
	return 0;
}

/*
 * The restored guest rebooted: build it as `hospes run --kernel` would,
 * from its boot record, and run it on.
 */
static int boot_again(struct machine *m)
{
	if (linux_build(m)) {
		fprintf(stderr, "hospes: the guest cannot boot again here (hospes restore and run --incoming take --kernel and --initrd to name other files): stopped\n");
		return EXIT_VMM_ERROR;
	}
	return machine_serve(m, NULL, NULL);
}

int incoming_serve(struct vm_config *cfg, int fd, bool peer,
		   const struct boot_override *ov)
{
	unsigned int reboots = 0;
	struct timeval silence = { .tv_sec = SOURCE_SILENCE_S };
	struct confirm_ctx ctx;
	struct snapshot s;
	struct machine m;
	char err[512];
	int status;

	snapshot_init(&s);
	machine_init(&m, cfg);
	ctx = (struct confirm_ctx){ .fd = fd, .s = &s };
	if (peer)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &silence, sizeof(silence));
	if (incoming_load(&m, cfg, &s, ov, fd, err, sizeof(err))) {
		fprintf(stderr, "hospes: %s\n", err);
		if (peer)
			peer_say(fd, "error: %s", err);
		status = EXIT_VMM_ERROR;
	} else {
		status = machine_serve(&m, peer ? confirm : NULL, &ctx);
		while (machine_reboots(&m, &reboots))
			status = boot_again(&m);
	}
	close(fd);
	machine_destroy(&m);
	snapshot_free(&s);
	return status;
}
