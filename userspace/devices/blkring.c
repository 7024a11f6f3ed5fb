// SPDX-License-Identifier: GPL-2.0-only
/*
 * A PV block device (struct hospes_blk_ring of linux/hospes_pv.h) backed by
 * a file or block device. Requests are served synchronously on the vCPU
 * thread that delivers the guest's notification.
 *
 * Everything in the ring is guest memory the guest may change at any time:
 * the VMM keeps its own consumer index and slot count, copies each request
 * before checking it, and never trusts the ring header it wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/hospes_pv.h>

#include "blob.h"
#include "devices.h"
#include "machine.h"

#define SECTOR_SIZE	512
#define MAX_REQUEST_LEN	(64 * 1024)	/* the ABI's limit */

struct blkring {
	struct device dev;
	struct machine *m;
	char *path;			/* the disk, for a restore to reopen */
	int fd;
	uint64_t capacity;		/* sectors */
	struct hospes_blk_ring *ring;
	uint64_t ring_gpa;
	uint32_t nr_slots;
	uint32_t port;
	uint32_t cons;			/* requests served so far */
};

static struct blkring *to_blkring(struct device *dev)
{
	return (struct blkring *)dev;
}

int blkring_check(const struct hospes_blk_request *req, uint64_t capacity,
		  const struct guest_mem *mem)
{
	uint64_t sectors = req->len / SECTOR_SIZE;

	if (req->op == HOSPES_BLK_FLUSH)
		return 0;
	if (req->op != HOSPES_BLK_READ && req->op != HOSPES_BLK_WRITE)
		return -EINVAL;
	if (!req->len || req->len % SECTOR_SIZE || req->len > MAX_REQUEST_LEN)
		return -EINVAL;
	if (req->sector > capacity || sectors > capacity - req->sector)
		return -EINVAL;
	if (!gpa_to_host(mem, req->buf_gpa, req->len))
		return -EINVAL;
	return 0;
}

/* All of len bytes, or -EIO (a short transfer: the file shrank). */
static int transfer(int fd, uint8_t *buf, size_t len, off_t off, bool write)
{
	while (len) {
		ssize_t n = write ? pwrite(fd, buf, len, off) :
				    pread(fd, buf, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		buf += n;
		len -= n;
		off += n;
	}
	return 0;
}

static int serve_one(struct blkring *b, const struct hospes_blk_request *req)
{
	int err = blkring_check(req, b->capacity, &b->m->mem);
	uint8_t *buf;

	if (err)
		return err;
	if (req->op == HOSPES_BLK_FLUSH)
		return fdatasync(b->fd) ? -EIO : 0;
	buf = gpa_to_host(&b->m->mem, req->buf_gpa, req->len);
	err = transfer(b->fd, buf, req->len, req->sector * SECTOR_SIZE,
		       req->op == HOSPES_BLK_WRITE);
	if (req->op == HOSPES_BLK_READ)
		guest_mem_written(&b->m->mem, req->buf_gpa, req->len);
	return err;
}

void blkring_serve(struct device *dev)
{
	struct blkring *b = to_blkring(dev);
	struct hospes_blk_ring *ring = b->ring;
	uint32_t prod, served = 0;

	/* Requests posted while serving are served too: no notification is lost. */
	while ((prod = __atomic_load_n(&ring->req_prod, __ATOMIC_ACQUIRE)) != b->cons &&
	       !machine_stopping(b->m)) {
		uint32_t n = prod - b->cons;

		/*
		 * More than a ring's worth outstanding means the guest wrote
		 * over unserved slots: serve each slot once, as the last ones.
		 */
		if (n > b->nr_slots) {
			b->cons = prod - b->nr_slots;
			n = b->nr_slots;
		}
		for (; n; n--, b->cons++, served++) {
			struct hospes_blk_request *slot =
				&ring->slots[b->cons % b->nr_slots];
			struct hospes_blk_request req;

			memcpy(&req, slot, sizeof(req));
			__atomic_store_n(&slot->status, serve_one(b, &req),
					 __ATOMIC_RELAXED);
		}
		__atomic_store_n(&ring->req_cons, b->cons, __ATOMIC_RELAXED);
		__atomic_store_n(&ring->rsp_prod, b->cons, __ATOMIC_RELEASE);
		/* Slots' status and the indexes: all in the ring's pages. */
		guest_mem_written(&b->m->mem, b->ring_gpa,
				  BLKRING_PAGES * GUEST_PAGE_SIZE);
	}
	/* ENOENT: no shared-info page yet, so nobody to tell. */
	if (served)
		b->m->send_event(b->m, b->port);
}

static void blkring_notify(struct device *dev, uint32_t port)
{
	(void)port;
	blkring_serve(dev);
}

static void blkring_destroy(struct device *dev)
{
	struct blkring *b = to_blkring(dev);

	close(b->fd);
	free(b->path);
	device_release(dev);
	free(b);
}

/*
 * The state a restore needs besides guest RAM (which holds the ring):
 * the disk's path and size, where the ring is, its port and slot count,
 * and how far the VMM has served it.
 */
static void blkring_save(struct device *dev, struct blob *out)
{
	struct blkring *b = to_blkring(dev);

	blob_put_str(out, b->path);
	blob_put_u64(out, b->capacity);
	blob_put_u64(out, b->ring_gpa);
	blob_put_u32(out, b->port);
	blob_put_u32(out, b->nr_slots);
	blob_put_u32(out, b->cons);
}

/* The device, serving fd from the ring's current state. NULL on ENOMEM. */
static struct blkring *blkring_attach(struct machine *m, int fd,
				      uint64_t capacity, uint64_t ring_gpa,
				      uint32_t port)
{
	uint64_t bytes = BLKRING_PAGES * GUEST_PAGE_SIZE;
	struct blkring *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	device_init(&b->dev, blkring_model.name, blkring_destroy);
	b->dev.save = blkring_save;
	b->m = m;
	b->fd = fd;
	b->capacity = capacity;
	b->ring = gpa_to_host(&m->mem, ring_gpa, bytes);
	b->ring_gpa = ring_gpa;
	b->nr_slots = (bytes - sizeof(*b->ring)) / sizeof(b->ring->slots[0]);
	b->port = port;
	if (bus_bind_event(&m->bus, port, blkring_notify, &b->dev)) {
		device_release(&b->dev);
		free(b);
		return NULL;
	}
	machine_add_device(m, &b->dev);
	return b;
}

struct device *blkring_create(struct machine *m, int fd, uint64_t capacity,
			      uint64_t ring_gpa, uint32_t port)
{
	struct blkring *b = blkring_attach(m, fd, capacity, ring_gpa, port);

	if (!b)
		return NULL;
	memset(b->ring, 0, BLKRING_PAGES * GUEST_PAGE_SIZE);
	b->ring->nr_slots = b->nr_slots;
	return &b->dev;
}

/* The disk, read-write, and its size in whole sectors; -1 after printing why. */
static int open_disk(const char *path, uint64_t *sectors)
{
	off_t size;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "hospes: --disk %s: %s\n", path, strerror(errno));
		return -1;
	}
	size = lseek(fd, 0, SEEK_END);
	if (size < 0) {
		fprintf(stderr, "hospes: --disk %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (size % SECTOR_SIZE)
		fprintf(stderr, "hospes: --disk %s: the last %lld bytes are not a whole sector: the guest will not see them\n",
			path, (long long)(size % SECTOR_SIZE));
	*sectors = size / SECTOR_SIZE;
	return fd;
}

/* Keep the path for a save: 0, or -1 after printing why. */
static int keep_path(struct device *dev, const char *path)
{
	struct blkring *b = to_blkring(dev);

	b->path = strdup(path);
	if (b->path)
		return 0;
	fprintf(stderr, "hospes: out of memory\n");
	return -1;
}

/* --disk FILE: the first PV block device. */
static int blkring_setup(struct machine *m)
{
	const char *path = m->cfg->disk;
	struct hospes_pv_device pv = {
		.type = HOSPES_PV_DEV_BLOCK,
		.ring_pages = BLKRING_PAGES,
	};
	struct device *dev;
	uint64_t ring_gpa, sectors;
	int fd;

	if (!path)
		return 0;
	fd = open_disk(path, &sectors);
	if (fd < 0)
		return -1;
	pv.capacity = sectors;
	pv.port = machine_alloc_port(m);
	if (pvboot_reserve(&m->boot, BLKRING_PAGES, &ring_gpa)) {
		fprintf(stderr, "hospes: --disk %s: no room for its ring in guest memory\n",
			path);
		close(fd);
		return -1;
	}
	pv.ring_gpa = ring_gpa;
	if (pvboot_add_device(&m->boot, &pv)) {
		fprintf(stderr, "hospes: --disk %s: more than %d PV devices\n",
			path, HOSPES_PV_MAX_DEVICES);
		close(fd);
		return -1;
	}
	dev = blkring_create(m, fd, pv.capacity, pv.ring_gpa, pv.port);
	if (!dev) {
		fprintf(stderr, "hospes: out of memory\n");
		close(fd);
		return -1;
	}
	return keep_path(dev, path);
}

/*
 * The same disk again (shared storage: a save or migration carries the
 * path, not the data), and the ring where the guest left it.
 */
static int blkring_restore(struct machine *m, struct blob *state)
{
	char *path = blob_get_str(state);
	uint64_t capacity = blob_get_u64(state), sectors;
	uint64_t ring_gpa = blob_get_u64(state);
	uint32_t port = blob_get_u32(state);
	uint32_t nr_slots = blob_get_u32(state);
	uint32_t cons = blob_get_u32(state);
	struct blkring *b;
	int fd = -1;

	if (!blob_done(state) || port >= HOSPES_PV_EVTCHN_PORTS ||
	    !gpa_to_host(&m->mem, ring_gpa, BLKRING_PAGES * GUEST_PAGE_SIZE)) {
		fprintf(stderr, "hospes: the saved state of %s is malformed\n",
			blkring_model.name);
		goto fail;
	}
	fd = open_disk(path, &sectors);
	if (fd < 0)
		goto fail;
	if (sectors < capacity) {
		fprintf(stderr, "hospes: --disk %s: %llu sectors, but the guest knew it with %llu\n",
			path, (unsigned long long)sectors,
			(unsigned long long)capacity);
		goto fail;
	}
	b = blkring_attach(m, fd, capacity, ring_gpa, port);
	if (!b) {
		fprintf(stderr, "hospes: out of memory\n");
		goto fail;
	}
	if (b->nr_slots != nr_slots) {
		fprintf(stderr, "hospes: the saved block ring has %u slots, this hospes makes %u\n",
			nr_slots, b->nr_slots);
		free(path);
		return -1;
	}
	b->cons = cons;
	b->path = path;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(path);
	return -1;
}

const struct device_model blkring_model = {
	.name = "blkring",
	.setup = blkring_setup,
	.restore = blkring_restore,
};
