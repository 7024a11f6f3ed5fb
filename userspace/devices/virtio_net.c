// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net (virtio 1.1, 5.1) on a host tap device: one receive and one
 * transmit queue, no control queue. Each frame crosses the tap with the
 * 12-byte virtio_net_hdr the guest's driver uses, so that checksum and
 * segmentation offloads pass through in both directions: the tap is asked
 * (TUNSETOFFLOAD) for exactly the receive offloads the driver took, and
 * every header is checked against the features before it goes either way.
 *
 * Transmission happens on the vCPU that kicks the transmit queue: each
 * chain is one frame, written to the tap at once. Reception has a thread:
 * it waits on the tap while the driver has buffers posted, and on the
 * driver's next receive kick while it has none, so a guest that posts no
 * buffers leaves frames in the tap's queue (which drops what overflows),
 * never blocks the VMM and never makes the thread spin. A frame that does
 * not fit the buffer at hand is dropped; the buffer stays for the next.
 * If the tap goes away, the link goes down (config change) and the
 * guest's frames are dropped.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include <net/if.h>

#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "blob.h"
#include "devices/devices.h"
#include "devices/pc.h"
#include "devices/virtio.h"
#include "hash64.h"
#include "machine.h"
#include "tap.h"

#define RECEIVEQ		0
#define TRANSMITQ		1
#define QUEUE_SIZE		VIRTQ_MAX_SIZE
#define HDR_LEN			((int)sizeof(struct virtio_net_hdr_v1))
#define VLAN_HLEN		4
/* The longest frame a header may come with: a 64 KiB segmentation job. */
#define FRAME_MAX		(ETH_HLEN + VLAN_HLEN + 65535)

/* struct virtio_net_config up to the status field. */
#define CONFIG_MAC		0
#define CONFIG_STATUS		6
#define CONFIG_LEN		8

#define F(bit)			(1ull << VIRTIO_NET_F_##bit)
#define FEATURES		(F(CSUM) | F(GUEST_CSUM) | F(MAC) |		\
				 F(GUEST_TSO4) | F(GUEST_TSO6) |		\
				 F(GUEST_ECN) | F(HOST_TSO4) | F(HOST_TSO6) |	\
				 F(HOST_ECN) | F(STATUS) |			\
				 1ull << VIRTIO_F_EVENT_IDX)

/* read_frame(): what became of the next frame. */
#define RX_EMPTY		0	/* the tap has none */
#define RX_DROPPED		(-1)	/* read, and dropped */
#define RX_GONE			(-2)	/* the tap has gone */

struct virtio_net {
	struct virtio_mmio t;		/* first: the device is its transport */
	int fd;				/* the tap */
	bool tap;			/* fd takes TUNSETOFFLOAD */
	char ifname[IFNAMSIZ];		/* the tap's, for a save; "" if none */
	char what[32];			/* "tap IFNAME", for messages */
	uint8_t config[CONFIG_LEN];
	unsigned int offloads;		/* TUN_F_* asked of the tap */
	struct virtq_chain rx_chain, tx_chain;
	/* The receive thread waits for a kick (want_kick) on wake. */
	pthread_t rx;
	bool rx_started;
	int wake;			/* eventfd */
	bool want_kick;
	bool gone;			/* the tap went away */
	atomic_bool stop;
	unsigned long long rx_dropped, tx_dropped;
};

static struct virtio_net *to_net(struct virtio_mmio *t)
{
	return (struct virtio_net *)t;
}

static bool has(uint64_t features, unsigned int bit)
{
	return features >> bit & 1;
}

unsigned int virtio_net_offloads(uint64_t features)
{
	unsigned int o;

	/* The tap segments nothing for a guest that checks every sum. */
	if (!has(features, VIRTIO_NET_F_GUEST_CSUM))
		return 0;
	o = TUN_F_CSUM;
	if (has(features, VIRTIO_NET_F_GUEST_TSO4))
		o |= TUN_F_TSO4;
	if (has(features, VIRTIO_NET_F_GUEST_TSO6))
		o |= TUN_F_TSO6;
	if (has(features, VIRTIO_NET_F_GUEST_ECN) && (o & (TUN_F_TSO4 | TUN_F_TSO6)))
		o |= TUN_F_TSO_ECN;
	return o;
}

/* May a frame segmented as gso_type go where tso4, tso6, ecn are allowed? */
static bool gso_allowed(uint8_t gso_type, bool tso4, bool tso6, bool ecn)
{
	if ((gso_type & VIRTIO_NET_HDR_GSO_ECN) && !ecn)
		return false;
	switch (gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return !(gso_type & VIRTIO_NET_HDR_GSO_ECN);
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return tso4;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return tso6;
	default:
		return false;		/* UFO, USO: never offered */
	}
}

/*
 * 5.1.6.2: only NEEDS_CSUM, with CSUM; segmentation as HOST_TSO* and
 * HOST_ECN allow. The tap checks the offsets and sizes themselves.
 */
bool virtio_net_tx_header_ok(const struct virtio_net_hdr_v1 *h,
			     uint64_t features)
{
	if (h->flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return false;
	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    !has(features, VIRTIO_NET_F_CSUM))
		return false;
	return gso_allowed(h->gso_type, has(features, VIRTIO_NET_F_HOST_TSO4),
			   has(features, VIRTIO_NET_F_HOST_TSO6),
			   has(features, VIRTIO_NET_F_HOST_ECN));
}

/*
 * What the tap says of a frame, as 5.1.6.4 lets the device tell this
 * driver: DATA_VALID only with GUEST_CSUM (else it is just left out), and
 * a partial checksum or segmentation only if taken (else the frame is
 * dropped: the tap's offloads lag the driver's features by a frame or
 * two after a reset). num_buffers is 1: no MRG_RXBUF.
 */
bool virtio_net_rx_header_fix(struct virtio_net_hdr_v1 *h, uint64_t features)
{
	bool csum = has(features, VIRTIO_NET_F_GUEST_CSUM);

	if (!csum)
		h->flags &= ~VIRTIO_NET_HDR_F_DATA_VALID;
	if (h->flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID))
		return false;
	if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !csum)
		return false;
	if (!gso_allowed(h->gso_type, has(features, VIRTIO_NET_F_GUEST_TSO4),
			 has(features, VIRTIO_NET_F_GUEST_TSO6),
			 has(features, VIRTIO_NET_F_GUEST_ECN)))
		return false;
	h->num_buffers = 1;
	return true;
}

/* The receive offloads follow the driver's features (FEATURES_OK, reset). */
static void sync_offloads(struct virtio_net *n)
{
	unsigned int want = virtio_net_offloads(n->t.driver_features);
	int err;

	if (!n->tap || want == n->offloads)
		return;
	err = tap_set_offloads(n->fd, want);
	if (err)
		fprintf(stderr, "hospes: virtio-net: %s: offloads %#x: %s\n",
			n->what, want, strerror(-err));
	n->offloads = want;
}

static void link_down(struct virtio_net *n, int err)
{
	uint16_t status = 0;

	if (n->gone)
		return;
	fprintf(stderr, "hospes: virtio-net: %s: %s: the guest's link is down\n",
		n->what, err ? strerror(err) : "closed");
	n->gone = true;
	memcpy(n->config + CONFIG_STATUS, &status, sizeof(status));
	virtio_mmio_config_changed(&n->t);
}

/*
 * The next frame from the tap into the chain's writable buffers: its
 * length with the header, or RX_*. One spare byte after the buffers shows
 * a frame that did not fit, whatever the descriptor type (a tap says
 * how long the frame was, a datagram socket truncates).
 */
static int read_frame(struct virtio_net *n, struct virtq_chain *c)
{
	struct iovec iov[VIRTQ_MAX_SIZE + 2];
	struct virtio_net_hdr_v1 h;
	unsigned int k;
	uint8_t spare;
	ssize_t len;

	iov[0] = (struct iovec){ &h, HDR_LEN };
	k = 1 + virtq_iov_slice(c->iov, c->nr_in, HDR_LEN, c->in_len - HDR_LEN,
				iov + 1);
	iov[k++] = (struct iovec){ &spare, 1 };
	len = readv(n->fd, iov, k);
	if (len < 0 && (errno == EAGAIN || errno == EINTR))
		return RX_EMPTY;
	if (len <= 0) {
		link_down(n, len ? errno : 0);
		return RX_GONE;
	}
	/* Written to the guest's buffers, but not given: no dirty marking. */
	if ((size_t)len > c->in_len || len <= HDR_LEN ||
	    !virtio_net_rx_header_fix(&h, n->t.driver_features)) {
		n->rx_dropped++;
		return RX_DROPPED;
	}
	virtq_chain_write(c, 0, &h, HDR_LEN);
	return len;
}

/*
 * Fill posted buffers with frames while there are both. Under the
 * device's lock. True if the driver has no buffer for the next frame.
 */
static bool receive(struct virtio_net *n)
{
	struct virtq *q = &n->t.queues[RECEIVEQ];
	struct guest_mem *mem = &n->t.m->mem;
	struct virtq_chain *c = &n->rx_chain;
	bool used = false, starved = false;
	int got;

	sync_offloads(n);
	while (!n->gone) {
		if (!virtio_mmio_queue_live(&n->t, RECEIVEQ) ||
		    (!virtq_has_avail(q, mem) && !virtq_enable_notify(q, mem))) {
			starved = true;
			break;
		}
		got = virtq_pop(q, mem, c);
		if (got > 0 && (c->nr_out || c->in_len < (size_t)HDR_LEN))
			got = -1;
		if (got < 0)
			virtio_mmio_broken(&n->t, "malformed receive queue");
		if (got <= 0) {
			starved = true;
			break;
		}
		got = read_frame(n, c);
		if (got > 0) {
			virtq_push(q, mem, c, got);
			used = true;
			continue;
		}
		virtq_unpop(q);
		if (got != RX_DROPPED)
			break;
	}
	if (used && virtq_wants_interrupt(q, mem))
		virtio_mmio_used(&n->t);
	n->want_kick = starved;
	return starved;
}

static void *rx_thread(void *arg)
{
	struct virtio_net *n = arg;
	struct pollfd p[2] = {
		{ .fd = n->wake, .events = POLLIN },
		{ .events = POLLIN },
	};
	bool starved = true, gone = false;
	uint64_t kicks;

	while (!atomic_load(&n->stop) && !gone) {
		/* Starved, the tap is not watched: its frames would spin us. */
		p[1].fd = starved ? -1 : n->fd;
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "hospes: virtio-net: %s: poll: %m: no more receiving\n",
				n->what);
			break;
		}
		if ((p[0].revents & POLLIN) &&
		    read(n->wake, &kicks, sizeof(kicks)) < 0 && errno != EAGAIN)
			break;
		pthread_mutex_lock(&n->t.dev.lock);
		if (!atomic_load(&n->stop))
			starved = receive(n);
		gone = n->gone;
		pthread_mutex_unlock(&n->t.dev.lock);
	}
	return NULL;
}

static void wake_rx(struct virtio_net *n)
{
	uint64_t one = 1;

	if (write(n->wake, &one, sizeof(one)) < 0 && errno != EAGAIN)
		fprintf(stderr, "hospes: virtio-net: %s: waking its receiver: %m\n",
			n->what);
}

/* One frame from a transmit chain to the tap: false if it was dropped. */
static bool transmit_one(struct virtio_net *n, struct virtq_chain *c)
{
	struct iovec iov[VIRTQ_MAX_SIZE + 1];
	struct virtio_net_hdr_v1 h;
	size_t frame = c->out_len - HDR_LEN;
	unsigned int k;

	/* Checked as copied: the guest may change its own copy meanwhile. */
	virtq_chain_read(c, 0, &h, HDR_LEN);
	if (n->gone || !frame || frame > FRAME_MAX ||
	    !virtio_net_tx_header_ok(&h, n->t.driver_features))
		return false;
	iov[0] = (struct iovec){ &h, HDR_LEN };
	k = 1 + virtq_iov_slice(c->iov, c->nr_out, HDR_LEN, frame, iov + 1);
	/* A tap takes a frame whole or not at all (EINVAL: a bad header). */
	if (writev(n->fd, iov, k) >= 0)
		return true;
	if (errno == EBADFD || errno == EIO)
		link_down(n, errno);
	return false;
}

static void transmit(struct virtio_net *n)
{
	struct virtq *q = &n->t.queues[TRANSMITQ];
	struct guest_mem *mem = &n->t.m->mem;
	struct virtq_chain *c = &n->tx_chain;
	bool used = false;
	int got;

	for (;;) {
		got = virtq_pop(q, mem, c);
		if (!got && virtq_enable_notify(q, mem))
			continue;
		if (got <= 0)
			break;
		if (c->nr_in || c->out_len < (size_t)HDR_LEN) {
			got = -1;
			break;
		}
		if (!transmit_one(n, c))
			n->tx_dropped++;
		virtq_push(q, mem, c, 0);
		used = true;
	}
	if (got < 0)
		virtio_mmio_broken(&n->t, "malformed transmit queue");
	if (used && virtq_wants_interrupt(q, mem))
		virtio_mmio_used(&n->t);
}

static void virtio_net_notify(struct virtio_mmio *t, unsigned int q)
{
	struct virtio_net *n = to_net(t);

	if (q == TRANSMITQ) {
		transmit(n);
	} else if (n->want_kick) {
		/* New buffers: frames waiting in the tap fit now. */
		n->want_kick = false;
		wake_rx(n);
	}
}

static void virtio_net_reset(struct virtio_mmio *t)
{
	/* Nothing offloaded for the next driver until it says. */
	sync_offloads(to_net(t));
}

static void virtio_net_stop(struct virtio_mmio *t)
{
	struct virtio_net *n = to_net(t);

	if (!n->rx_started)
		return;
	atomic_store(&n->stop, true);
	wake_rx(n);
	pthread_join(n->rx, NULL);
	n->rx_started = false;
}

static void virtio_net_destroy(struct virtio_mmio *t)
{
	struct virtio_net *n = to_net(t);

	if (n->rx_dropped || n->tx_dropped)
		fprintf(stderr, "hospes: virtio-net: %s: %llu frames dropped on receive, %llu on transmit\n",
			n->what, n->rx_dropped, n->tx_dropped);
	close(n->fd);
	if (n->wake >= 0)
		close(n->wake);
	free(n);
}

static const struct virtio_ops virtio_net_ops = {
	.name = "virtio-net",
	.device_id = 1,
	.features = FEATURES,
	.nr_queues = 2,
	.queue_max = QUEUE_SIZE,
	.notify = virtio_net_notify,
	.reset = virtio_net_reset,
	.stop = virtio_net_stop,
	.destroy = virtio_net_destroy,
};

/* A device on fd with its power-on registers, not yet attached. */
static struct virtio_net *net_new(int fd, bool tap, const char *what,
				  const uint8_t mac[6])
{
	struct virtio_net *n = calloc(1, sizeof(*n));
	uint16_t status = VIRTIO_NET_S_LINK_UP;

	if (!n) {
		fprintf(stderr, "hospes: out of memory\n");
		close(fd);
		return NULL;
	}
	n->fd = fd;
	n->tap = tap;
	snprintf(n->what, sizeof(n->what), "%s", what);
	atomic_init(&n->stop, false);
	n->want_kick = true;		/* the thread starts starved */
	memcpy(n->config + CONFIG_MAC, mac, ETH_ALEN);
	memcpy(n->config + CONFIG_STATUS, &status, sizeof(status));
	n->t.ops = &virtio_net_ops;
	n->t.config = n->config;
	n->t.config_len = sizeof(n->config);
	n->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return n;
}

/*
 * The transport, then the tap's name and the MAC: the target attaches a
 * tap of that name on its own host (the network is the host's to
 * provide, as storage is). Frames still queued in the source's tap stay
 * there: a network may lose frames, and the guest's protocols resend.
 */
static void virtio_net_save(struct device *dev, struct blob *out)
{
	struct virtio_net *n = to_net((struct virtio_mmio *)dev);

	virtio_mmio_save(&n->t, out);
	blob_put_str(out, n->ifname);
	blob_put(out, n->config + CONFIG_MAC, ETH_ALEN);
}

/* Attach n (its transport's base and pin) and start its receiver. */
static int net_start(struct virtio_net *n, struct machine *m, uint64_t base,
		     unsigned int gsi)
{
	int err;

	if (virtio_mmio_attach(&n->t, m, base, gsi))
		return -1;
	/* Only a tap can be attached again by name on a target. */
	if (n->ifname[0])
		n->t.dev.save = virtio_net_save;
	if (n->wake < 0) {
		fprintf(stderr, "hospes: virtio-net: eventfd: %m\n");
		return -1;
	}
	err = pthread_create(&n->rx, NULL, rx_thread, n);
	if (err) {
		fprintf(stderr, "hospes: virtio-net: cannot start its receive thread: %s\n",
			strerror(err));
		return -1;
	}
	n->rx_started = true;
	return 0;
}

int virtio_net_attach_fd(struct machine *m, int fd, bool tap,
			 const char *what, const uint8_t mac[6], uint64_t base,
			 unsigned int gsi)
{
	struct virtio_net *n = net_new(fd, tap, what, mac);

	return n ? net_start(n, m, base, gsi) : -1;
}

/* A device on tap ifname, savable; NULL after printing why. */
static struct virtio_net *tap_net_new(const char *ifname, const uint8_t mac[6],
				      const char *what_for)
{
	struct virtio_net *n;
	char err[256], what[32];
	int fd;

	fd = tap_open(ifname, HDR_LEN, err, sizeof(err));
	if (fd < 0) {
		fprintf(stderr, "hospes: %s: %s\n", what_for, err);
		return NULL;
	}
	snprintf(what, sizeof(what), "tap %s", ifname);
	n = net_new(fd, true, what, mac);
	if (n)
		snprintf(n->ifname, sizeof(n->ifname), "%s", ifname);
	return n;
}

static int virtio_net_restore(struct machine *m, struct blob *state)
{
	struct virtio_mmio t = { .ops = &virtio_net_ops };
	struct virtio_net *n = NULL;
	uint8_t mac[ETH_ALEN];
	char *ifname = NULL;

	if (!virtio_mmio_load(&t, state)) {
		ifname = blob_get_str(state);
		blob_get(state, mac, sizeof(mac));
	}
	/* Checked as --net would check them. */
	if (!ifname || !blob_done(state) ||
	    !net_ifname_valid(ifname, strlen(ifname)) || (mac[0] & 1)) {
		fprintf(stderr, "hospes: the saved state of virtio-net is malformed\n");
		free(ifname);
		return -1;
	}
	n = tap_net_new(ifname, mac, "the guest's network card");
	free(ifname);
	if (!n)
		return -1;
	/* The loaded registers, under the config and ops net_new() set. */
	t.config = n->t.config;
	t.config_len = n->t.config_len;
	n->t = t;
	/* The new tap offloads what the driver had taken on the old one. */
	sync_offloads(n);
	if (net_start(n, m, t.base, t.gsi))
		return -1;
	return virtio_mmio_resume(&n->t);
}

const struct device_model virtio_net_model = {
	.name = "virtio-net",
	.restore = virtio_net_restore,
};

int virtio_net_attach(struct machine *m, const char *spec, uint64_t base,
		      unsigned int gsi)
{
	struct virtio_net *n;
	struct net_spec ns;
	char err[256], what_for[64];

	if (net_spec_parse(spec, &ns, err, sizeof(err))) {
		fprintf(stderr, "hospes: --net %s: %s\n", spec, err);
		return -1;
	}
	snprintf(what_for, sizeof(what_for), "--net %s", spec);
	n = tap_net_new(ns.ifname, ns.mac, what_for);
	return n ? net_start(n, m, base, gsi) : -1;
}
