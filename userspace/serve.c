// SPDX-License-Identifier: GPL-2.0-only
#include "control.h"
#include "machine.h"
#include "serve.h"
#include "vcpu.h"

int machine_serve(struct machine *m, int (*started)(void *ctx), void *ctx)
{
	struct control c;

	/* A name in use is an error; no socket at all, only a warning. */
	if (control_start(&c, m) < 0) {
		control_stop(&c);
		return EXIT_VMM_ERROR;
	}
	if (!vcpus_start(m)) {
		if (started && started(ctx))
			machine_stop(m, EXIT_VMM_ERROR);
		machine_wait(m);
	}
	control_stop(&c);
	return m->exit_status;
}
