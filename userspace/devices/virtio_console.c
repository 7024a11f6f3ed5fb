// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-console (virtio 1.1, 5.3) on the machine's console: one port,
 * hvc0 in a Linux guest, without the size, multiport or emergency-write
 * features. What the guest transmits goes to the console as the kick
 * arrives. Typed input is taken by a thread, as it comes, into a small
 * buffer and from there into the receive buffers the driver posts, so the
 * guest hears of it without asking. With this device the console's input
 * is its own: the UART gets none (serial8250.c), else the two would take
 * turns at the keystrokes.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "console.h"
#include "devices/devices.h"
#include "devices/pc.h"
#include "devices/virtio.h"
#include "machine.h"

#define RECEIVEQ		0
#define TRANSMITQ		1
#define QUEUE_SIZE		64
#define CONFIG_LEN		12	/* cols, rows, max_nr_ports, emerg_wr */
#define PENDING_MAX		256
/* How long the input thread waits while the guest has no buffer posted. */
#define NO_BUFFER_WAIT_MS	10
#define INPUT_POLL_MS		100

struct virtio_console {
	struct virtio_mmio t;		/* first: the device is its transport */
	struct console *con;
	uint8_t config[CONFIG_LEN];
	struct virtq_chain chain;
	/* Input read from the console, not yet in a guest buffer. */
	uint8_t pending[PENDING_MAX];
	size_t npending;
	pthread_t input;
	bool input_started;
	atomic_bool stop;
};

static struct virtio_console *to_vcon(struct virtio_mmio *t)
{
	return (struct virtio_console *)t;
}

/* Transmit every chain the guest posted; device-readable bytes only. */
static void transmit(struct virtio_console *v)
{
	struct virtq *q = &v->t.queues[TRANSMITQ];
	struct virtq_chain *c = &v->chain;
	bool used = false;
	unsigned int i;
	int got;

	while ((got = virtq_pop(q, &v->t.m->mem, c)) > 0) {
		for (i = 0; i < c->nr_out; i++)
			console_write(v->con, c->iov[i].iov_base,
				      c->iov[i].iov_len);
		virtq_push(q, &v->t.m->mem, c, 0);
		used = true;
	}
	if (got < 0)
		virtio_mmio_broken(&v->t, "malformed transmit queue");
	if (used)
		virtio_mmio_used(&v->t);
}

/*
 * Move pending input into posted receive buffers; then take more from the
 * console. Under the device's lock. True if the guest has no buffer for
 * what is pending.
 */
static bool receive(struct virtio_console *v)
{
	struct virtq *q = &v->t.queues[RECEIVEQ];
	struct virtq_chain *c = &v->chain;
	bool used = false;
	uint8_t byte;
	int got = 1;

	while (v->npending < PENDING_MAX && console_read(v->con, &byte))
		v->pending[v->npending++] = byte;
	while (v->npending && virtio_mmio_queue_live(&v->t, RECEIVEQ) &&
	       virtq_has_avail(q, &v->t.m->mem)) {
		size_t n;

		got = virtq_pop(q, &v->t.m->mem, c);
		if (got <= 0)
			break;
		n = virtq_chain_write(c, 0, v->pending, v->npending);
		memmove(v->pending, v->pending + n, v->npending - n);
		v->npending -= n;
		virtq_push(q, &v->t.m->mem, c, n);
		used = true;
	}
	if (got < 0)
		virtio_mmio_broken(&v->t, "malformed receive queue");
	if (used)
		virtio_mmio_used(&v->t);
	return v->npending != 0;
}

static void *input_thread(void *arg)
{
	struct virtio_console *v = arg;
	bool stuck = false;
	int ready = 0;

	while (!atomic_load(&v->stop) && (ready >= 0 || stuck)) {
		if (stuck)
			poll(NULL, 0, NO_BUFFER_WAIT_MS);
		else
			ready = console_wait_input(v->con, INPUT_POLL_MS);
		if (!stuck && ready <= 0)
			continue;
		pthread_mutex_lock(&v->t.dev.lock);
		stuck = receive(v);
		pthread_mutex_unlock(&v->t.dev.lock);
	}
	return NULL;
}

static void virtio_console_notify(struct virtio_mmio *t, unsigned int q)
{
	if (q == TRANSMITQ)
		transmit(to_vcon(t));
	else
		receive(to_vcon(t));	/* new buffers: pending input fits now */
}

static void virtio_console_destroy(struct virtio_mmio *t)
{
	struct virtio_console *v = to_vcon(t);

	if (v->input_started) {
		atomic_store(&v->stop, true);
		pthread_join(v->input, NULL);
	}
	free(v);
}

static const struct virtio_ops virtio_console_ops = {
	.name = "virtio-console",
	.device_id = 3,
	.nr_queues = 2,
	.queue_max = QUEUE_SIZE,
	.notify = virtio_console_notify,
	.destroy = virtio_console_destroy,
};

/* The transport, then typed input not yet in a guest buffer. */
static void virtio_console_save(struct device *dev, struct blob *out)
{
	struct virtio_console *v = to_vcon((struct virtio_mmio *)dev);

	virtio_mmio_save(&v->t, out);
	blob_put_u32(out, v->npending);
	blob_put(out, v->pending, v->npending);
}

static int virtio_console_load(struct virtio_console *v, struct blob *state)
{
	if (virtio_mmio_load(&v->t, state))
		return -1;
	v->npending = blob_get_u32(state);
	if (v->npending > PENDING_MAX)
		return -1;
	blob_get(state, v->pending, v->npending);
	return blob_done(state) ? 0 : -1;
}

/* state: a saved console's, or NULL for a new one at base and gsi. */
static int attach(struct machine *m, uint64_t base, unsigned int gsi,
		  struct blob *state)
{
	struct virtio_console *v = calloc(1, sizeof(*v));
	int err;

	if (!v) {
		fprintf(stderr, "hospes: out of memory\n");
		return -1;
	}
	v->con = &m->console;
	atomic_init(&v->stop, false);
	v->t.ops = &virtio_console_ops;
	if (state && virtio_console_load(v, state)) {
		fprintf(stderr, "hospes: the saved state of virtio-console is malformed\n");
		free(v);
		return -1;
	}
	if (state) {
		base = v->t.base;
		gsi = v->t.gsi;
	}
	v->t.config = v->config;
	v->t.config_len = sizeof(v->config);
	if (virtio_mmio_attach(&v->t, m, base, gsi))
		return -1;
	v->t.dev.save = virtio_console_save;
	if (state && virtio_mmio_resume(&v->t))
		return -1;
	err = pthread_create(&v->input, NULL, input_thread, v);
	if (err) {
		fprintf(stderr, "hospes: virtio-console: cannot start its input thread: %s\n",
			strerror(err));
		return -1;
	}
	v->input_started = true;
	return 0;
}

int virtio_console_attach(struct machine *m, uint64_t base, unsigned int gsi)
{
	return attach(m, base, gsi, NULL);
}

static int virtio_console_restore(struct machine *m, struct blob *state)
{
	return attach(m, 0, 0, state);
}

const struct device_model virtio_console_model = {
	.name = "virtio-console",
	.restore = virtio_console_restore,
};
