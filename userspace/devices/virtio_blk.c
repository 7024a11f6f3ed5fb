// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk (virtio 1.1, 5.2) backed by a raw image file, served
 * synchronously: a kick reads or writes every available request with
 * preadv/pwritev straight between the file and guest RAM before the vCPU
 * goes on. One request queue; offered: FLUSH (fdatasync) and SEG_MAX.
 * Requests are taken in any layout: a 16-byte header among the readable
 * bytes, the data, and the status byte last among the writable ones.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob.h"
#include "devices/devices.h"
#include "devices/pc.h"
#include "devices/virtio.h"
#include "machine.h"

#define SECTOR_SIZE		512
#define QUEUE_SIZE		128

#define F_SEG_MAX		2
#define F_FLUSH			9

#define T_IN			0
#define T_OUT			1
#define T_FLUSH			4
#define T_GET_ID		8

#define S_OK			0
#define S_IOERR			1
#define S_UNSUPP		2

#define HEADER_SIZE		16
#define ID_BYTES		20

/* struct virtio_blk_config as far as the offered features reach. */
#define CONFIG_CAPACITY		0
#define CONFIG_SEG_MAX		12
#define CONFIG_LEN		16

struct virtio_blk {
	struct virtio_mmio t;		/* first: the device is its transport */
	int fd;
	char *path;			/* of the image, for a save */
	uint64_t capacity;		/* sectors */
	uint8_t config[CONFIG_LEN];
	struct virtq_chain chain;	/* the request being served */
};

static struct virtio_blk *to_blk(struct virtio_mmio *t)
{
	return (struct virtio_blk *)t;
}

/*
 * Move len bytes between the file at off and the iovecs, all of it
 * (retrying short transfers). 0, or -1 (end of file or an I/O error).
 */
static int transfer(int fd, struct iovec *iov, unsigned int n, size_t len,
		    off_t off, bool write)
{
	struct iovec local[VIRTQ_MAX_SIZE];
	unsigned int i = 0;

	memcpy(local, iov, n * sizeof(*iov));
	while (len) {
		ssize_t done = write ? pwritev(fd, local + i, n - i, off) :
				       preadv(fd, local + i, n - i, off);

		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return -1;
		len -= done;
		off += done;
		while (done && i < n) {
			size_t step = (size_t)done < local[i].iov_len ?
				      (size_t)done : local[i].iov_len;

			local[i].iov_base = (uint8_t *)local[i].iov_base + step;
			local[i].iov_len -= step;
			done -= step;
			if (!local[i].iov_len)
				i++;
		}
	}
	return 0;
}

/* One request: its status, and in *written the bytes given to the guest. */
static uint8_t serve(struct virtio_blk *b, struct virtq_chain *c,
		     uint32_t *written)
{
	struct iovec data[VIRTQ_MAX_SIZE];
	uint8_t hdr[HEADER_SIZE];
	uint32_t type;
	uint64_t sector, len;
	unsigned int n;
	bool write;

	*written = 0;
	if (virtq_chain_read(c, 0, hdr, sizeof(hdr)) != sizeof(hdr))
		return S_IOERR;
	memcpy(&type, hdr, 4);
	memcpy(&sector, hdr + 8, 8);
	switch (type) {
	case T_IN:
	case T_OUT:
		write = type == T_OUT;
		len = write ? c->out_len - HEADER_SIZE : c->in_len - 1;
		if (len % SECTOR_SIZE || sector > b->capacity ||
		    len / SECTOR_SIZE > b->capacity - sector)
			return S_IOERR;
		n = write ? virtq_iov_slice(c->iov, c->nr_out, HEADER_SIZE,
					    len, data) :
			    virtq_iov_slice(c->iov + c->nr_out, c->nr_in, 0,
					    len, data);
		if (transfer(b->fd, data, n, len, sector * SECTOR_SIZE, write))
			return S_IOERR;
		if (!write)
			*written = len;
		return S_OK;
	case T_FLUSH:
		return fdatasync(b->fd) ? S_IOERR : S_OK;
	case T_GET_ID: {
		/* No serial number: an empty, NUL-padded one. */
		static const uint8_t id[ID_BYTES];

		*written = virtq_chain_write(c, 0, id, c->in_len - 1 < ID_BYTES ?
					     c->in_len - 1 : ID_BYTES);
		return S_OK;
	}
	default:
		return S_UNSUPP;
	}
}

static void virtio_blk_notify(struct virtio_mmio *t, unsigned int qi)
{
	struct virtio_blk *b = to_blk(t);
	struct virtq *q = &t->queues[qi];
	struct virtq_chain *c = &b->chain;
	bool used = false;
	int got;

	while ((got = virtq_pop(q, &t->m->mem, c)) > 0) {
		uint32_t written;
		uint8_t status;

		/* Room for the status byte, at least. */
		if (!c->in_len || c->out_len < HEADER_SIZE) {
			got = -1;
			break;
		}
		status = serve(b, c, &written);
		virtq_chain_write(c, c->in_len - 1, &status, 1);
		virtq_push(q, &t->m->mem, c, written + 1);
		used = true;
	}
	if (got < 0)
		virtio_mmio_broken(t, "malformed request queue");
	if (used)
		virtio_mmio_used(t);
}

static void virtio_blk_destroy(struct virtio_mmio *t)
{
	struct virtio_blk *b = to_blk(t);

	close(b->fd);
	free(b->path);
	free(b);
}

static const struct virtio_ops virtio_blk_ops = {
	.name = "virtio-blk",
	.device_id = 2,
	.features = 1ull << F_SEG_MAX | 1ull << F_FLUSH,
	.nr_queues = 1,
	.queue_max = QUEUE_SIZE,
	.notify = virtio_blk_notify,
	.destroy = virtio_blk_destroy,
};

/* The image at path, read-write, and its whole sectors. fd, or -1 printed. */
static int open_disk(const char *path, uint64_t *sectors)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hospes: --disk %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_size % SECTOR_SIZE)
		fprintf(stderr, "hospes: --disk %s: the last %lld bytes are not a whole sector: the guest will not see them\n",
			path, (long long)(st.st_size % SECTOR_SIZE));
	*sectors = st.st_size / SECTOR_SIZE;
	return fd;
}

static struct virtio_blk *blk_new(int fd, const char *path, uint64_t capacity)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	uint32_t seg_max = QUEUE_SIZE - 2;	/* beside header and status */

	if (!b || !(b->path = strdup(path))) {
		fprintf(stderr, "hospes: out of memory\n");
		free(b);
		return NULL;
	}
	b->fd = fd;
	b->capacity = capacity;
	memcpy(b->config + CONFIG_CAPACITY, &b->capacity, 8);
	memcpy(b->config + CONFIG_SEG_MAX, &seg_max, 4);
	b->t.ops = &virtio_blk_ops;
	b->t.config = b->config;
	b->t.config_len = sizeof(b->config);
	return b;
}

/*
 * The transport, then the image's path (storage is shared, not copied:
 * the target opens the same file) and the capacity the guest knows.
 */
static void virtio_blk_save(struct device *dev, struct blob *out)
{
	struct virtio_blk *b = to_blk((struct virtio_mmio *)dev);

	virtio_mmio_save(&b->t, out);
	blob_put_str(out, b->path);
	blob_put_u64(out, b->capacity);
}

int virtio_blk_attach(struct machine *m, const char *path, uint64_t base,
		      unsigned int gsi)
{
	struct virtio_blk *b;
	uint64_t sectors;
	int fd;

	fd = open_disk(path, &sectors);
	if (fd < 0)
		return -1;
	b = blk_new(fd, path, sectors);
	if (!b) {
		close(fd);
		return -1;
	}
	if (virtio_mmio_attach(&b->t, m, base, gsi))
		return -1;
	b->t.dev.save = virtio_blk_save;
	return 0;
}

static int virtio_blk_restore(struct machine *m, struct blob *state)
{
	struct virtio_mmio t = { .ops = &virtio_blk_ops };
	struct virtio_blk *b;
	uint64_t capacity, sectors;
	char *path = NULL;
	int fd;

	if (!virtio_mmio_load(&t, state)) {
		path = blob_get_str(state);
		capacity = blob_get_u64(state);
	}
	if (!path || !blob_done(state)) {
		fprintf(stderr, "hospes: the saved state of virtio-blk is malformed\n");
		free(path);
		return -1;
	}
	fd = open_disk(path, &sectors);
	if (fd >= 0 && sectors < capacity) {
		fprintf(stderr, "hospes: --disk %s: %llu sectors, but the guest knew it with %llu\n",
			path, (unsigned long long)sectors,
			(unsigned long long)capacity);
		close(fd);
		fd = -1;
	}
	b = fd < 0 ? NULL : blk_new(fd, path, capacity);
	free(path);
	if (!b) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* The loaded registers, under the config and ops blk_new() set. */
	t.config = b->t.config;
	t.config_len = b->t.config_len;
	b->t = t;
	if (virtio_mmio_attach(&b->t, m, t.base, t.gsi))
		return -1;
	b->t.dev.save = virtio_blk_save;
	return virtio_mmio_resume(&b->t);
}

const struct device_model virtio_blk_model = {
	.name = "virtio-blk",
	.restore = virtio_blk_restore,
};
