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

#include "console.h"
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

int virtio_console_attach(struct machine *m, uint64_t base, unsigned int gsi)
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
	v->t.config = v->config;
	v->t.config_len = sizeof(v->config);
	if (virtio_mmio_attach(&v->t, m, base, gsi))
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
