/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A machine rebuilt from a stream: `hospes restore FILE` and
 * `hospes run --incoming`. The whole stream is read and checked (the
 * checksum, every part present) before any vCPU exists, so a corrupt or
 * truncated stream never runs.
 */
#ifndef HOSPES_INCOMING_H
#define HOSPES_INCOMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot_record.h"
#include "snapshot.h"
#include "stream.h"

struct machine;
struct vm_config;

/*
 * Read a whole stream from r: the configuration into s and cfg, guest RAM
 * into m's, which create(m) makes once the configuration is known (tests
 * make only RAM), the rest into s, then the checksum and completeness.
 * 0, or -1 with r->error.
 */
int incoming_read(struct stream_reader *r, struct machine *m,
		  struct vm_config *cfg, struct snapshot *s,
		  int (*create)(struct machine *m));

/*
 * Read the stream on fd into m, whose cfg gets the stream's configuration
 * with the overrides ov of its next boot (pointing into s and ov, which
 * must live as long as m; s->pause_realtime_ns tells when the source
 * paused, if has_migration). On success the machine is ready for
 * vcpus_start(). -1 with a sentence in err otherwise (for the source to
 * hear); m is then for machine_destroy().
 */
int incoming_load(struct machine *m, struct vm_config *cfg, struct snapshot *s,
		  const struct boot_override *ov, int fd, char *err,
		  size_t errlen);

/*
 * Load a machine from the stream on fd (closed at the end), run it until
 * it stops, and return the exit status (EXIT_VMM_ERROR if the stream was
 * refused). With peer, fd is a migration's connection: the source hears
 * "running" once the vCPUs run, or why the stream was refused. A Linux
 * guest that reboots is built again from its boot record, as `hospes run
 * --kernel` builds it, with the overrides ov.
 */
int incoming_serve(struct vm_config *cfg, int fd, bool peer,
		   const struct boot_override *ov);

#endif /* HOSPES_INCOMING_H */
