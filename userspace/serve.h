/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running a built machine until it stops, reachable meanwhile through its
 * control socket: what `hospes run`, `restore` and `run --incoming` share.
 */
#ifndef HOSPES_SERVE_H
#define HOSPES_SERVE_H

struct machine;

/*
 * Start the control socket and the vCPUs, call started(ctx) if given
 * (-1 from it stops the guest), and wait for the machine to stop. Returns
 * the exit status; the caller destroys the machine.
 */
int machine_serve(struct machine *m, int (*started)(void *ctx), void *ctx);

#endif /* HOSPES_SERVE_H */
