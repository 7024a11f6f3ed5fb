// SPDX-License-Identifier: GPL-2.0-only
/* The PV block ring: request checks, and serving a ring in fake guest RAM. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/hospes_pv.h>

#include "devices/devices.h"
#include "machine.h"

#include "kselftest_harness.h"

#define RAM_SIZE	(1u << 20)
#define RING_GPA	0x1000u
#define BUF_GPA		0x10000u
#define DISK_SECTORS	256u
#define PORT		2u

static unsigned int events;
static uint32_t last_port;

static int count_event(struct machine *m, uint32_t port)
{
	(void)m;
	events++;
	last_port = port;
	return 0;
}

FIXTURE(blk) {
	struct machine m;
	struct vm_config cfg;
	struct hospes_blk_ring *ring;
	struct device *dev;
	int disk;		/* the test's own fd of the disk file */
};

FIXTURE_SETUP(blk)
{
	uint8_t sector[512];
	unsigned int i;
	int fd;

	self->cfg.nr_vcpus = 1;
	machine_init(&self->m, &self->cfg);
	self->m.mem.size = RAM_SIZE;
	self->m.mem.host = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->m.mem.host);
	self->m.send_event = count_event;
	events = 0;

	/* Sector n is filled with byte n. */
	fd = memfd_create("disk", 0);
	ASSERT_LE(0, fd);
	for (i = 0; i < DISK_SECTORS; i++) {
		memset(sector, i, sizeof(sector));
		ASSERT_EQ((ssize_t)sizeof(sector), write(fd, sector, sizeof(sector)));
	}
	self->disk = dup(fd);
	self->dev = blkring_create(&self->m, fd, DISK_SECTORS, RING_GPA, PORT);
	ASSERT_NE(NULL, self->dev);
	self->ring = (struct hospes_blk_ring *)(self->m.mem.host + RING_GPA);
}

FIXTURE_TEARDOWN(blk)
{
	close(self->disk);
	machine_destroy(&self->m);
}

/* Post a request as the guest does; returns its index. */
static uint32_t post(struct hospes_blk_ring *ring, uint32_t op, uint64_t sector,
		     uint64_t buf_gpa, uint32_t len)
{
	uint32_t idx = ring->req_prod;

	ring->slots[idx % ring->nr_slots] = (struct hospes_blk_request){
		.id = 1000 + idx, .op = op, .status = 12345, .sector = sector,
		.buf_gpa = buf_gpa, .len = len,
	};
	ring->req_prod = idx + 1;
	return idx;
}

static int32_t status(struct hospes_blk_ring *ring, uint32_t idx)
{
	return ring->slots[idx % ring->nr_slots].status;
}

static int check(uint32_t op, uint64_t sector, uint64_t buf_gpa, uint32_t len)
{
	struct hospes_blk_request req = {
		.op = op, .sector = sector, .buf_gpa = buf_gpa, .len = len,
	};
	struct guest_mem mem = { .host = NULL, .size = RAM_SIZE };

	return blkring_check(&req, DISK_SECTORS, &mem);
}

TEST(requests_inside_the_disk_and_ram_pass)
{
	EXPECT_EQ(0, check(HOSPES_BLK_READ, 0, BUF_GPA, 512));
	EXPECT_EQ(0, check(HOSPES_BLK_WRITE, DISK_SECTORS - 1, BUF_GPA, 512));
	EXPECT_EQ(0, check(HOSPES_BLK_READ, 0, RAM_SIZE - 65536, 65536));
	EXPECT_EQ(0, check(HOSPES_BLK_FLUSH, 0, 0, 0));
	/* A flush moves no data: its other fields do not matter. */
	EXPECT_EQ(0, check(HOSPES_BLK_FLUSH, ~0ull, ~0ull, 3));
}

TEST(bad_requests_are_einval)
{
	EXPECT_EQ(-EINVAL, check(3, 0, BUF_GPA, 512));			/* op */
	EXPECT_EQ(-EINVAL, check(~0u, 0, BUF_GPA, 512));
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_READ, 0, BUF_GPA, 0));	/* len */
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_READ, 0, BUF_GPA, 511));
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_READ, 0, BUF_GPA, 513));
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_READ, 0, BUF_GPA, 65536 + 512));
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_READ, DISK_SECTORS, BUF_GPA, 512));
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_WRITE, DISK_SECTORS - 1, BUF_GPA, 1024));
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_READ, ~0ull, BUF_GPA, 1024));
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_READ, 0, RAM_SIZE - 512, 1024));
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_READ, 0, RAM_SIZE, 512));
	EXPECT_EQ(-EINVAL, check(HOSPES_BLK_READ, 0, ~0ull - 511, 1024));
}

TEST_F(blk, the_vmm_sets_up_an_empty_ring)
{
	EXPECT_EQ((4096 - sizeof(*self->ring)) / sizeof(self->ring->slots[0]),
		  self->ring->nr_slots);
	EXPECT_EQ(0u, self->ring->req_prod);
	EXPECT_EQ(0u, self->ring->req_cons);
	EXPECT_EQ(0u, self->ring->rsp_prod);
}

TEST_F(blk, writes_reads_and_flushes_are_served_then_the_port_raised)
{
	uint8_t *ram = self->m.mem.host, sector[512];
	uint32_t w, r, f;

	memset(ram + BUF_GPA, 0xee, 1024);
	w = post(self->ring, HOSPES_BLK_WRITE, 5, BUF_GPA, 1024);
	r = post(self->ring, HOSPES_BLK_READ, 4, BUF_GPA + 0x1000, 2048);
	f = post(self->ring, HOSPES_BLK_FLUSH, 0, 0, 0);
	blkring_serve(self->dev);

	EXPECT_EQ(0, status(self->ring, w));
	EXPECT_EQ(0, status(self->ring, r));
	EXPECT_EQ(0, status(self->ring, f));
	EXPECT_EQ(3u, self->ring->rsp_prod);
	EXPECT_EQ(3u, self->ring->req_cons);
	EXPECT_EQ(1u, events);
	EXPECT_EQ(PORT, last_port);
	/* The file took the write; the read saw sector 4 and the write. */
	ASSERT_EQ(512, pread(self->disk, sector, 512, 6 * 512));
	EXPECT_EQ(0xee, sector[0]);
	EXPECT_EQ(0xee, sector[511]);
	EXPECT_EQ(4, ram[BUF_GPA + 0x1000]);
	EXPECT_EQ(0xee, ram[BUF_GPA + 0x1000 + 512]);
	EXPECT_EQ(0xee, ram[BUF_GPA + 0x1000 + 1024]);
	EXPECT_EQ(7, ram[BUF_GPA + 0x1000 + 1536]);
	EXPECT_EQ(1000u + w, self->ring->slots[w].id);	/* untouched */
}

TEST_F(blk, bad_requests_fail_alone)
{
	uint32_t a, b, c, d;

	a = post(self->ring, HOSPES_BLK_READ, DISK_SECTORS, BUF_GPA, 512);
	b = post(self->ring, HOSPES_BLK_READ, 1, BUF_GPA, 512);
	c = post(self->ring, HOSPES_BLK_WRITE, 0, RAM_SIZE - 256, 512);
	d = post(self->ring, 77, 0, BUF_GPA, 512);
	blkring_serve(self->dev);
	EXPECT_EQ(-EINVAL, status(self->ring, a));
	EXPECT_EQ(0, status(self->ring, b));
	EXPECT_EQ(-EINVAL, status(self->ring, c));
	EXPECT_EQ(-EINVAL, status(self->ring, d));
	EXPECT_EQ(4u, self->ring->rsp_prod);
	EXPECT_EQ(1, self->m.mem.host[BUF_GPA]);
}

TEST_F(blk, no_new_request_no_event)
{
	blkring_serve(self->dev);
	EXPECT_EQ(0u, events);
	post(self->ring, HOSPES_BLK_FLUSH, 0, 0, 0);
	blkring_serve(self->dev);
	blkring_serve(self->dev);
	EXPECT_EQ(1u, events);
}

TEST_F(blk, slots_are_reused_round_the_ring)
{
	uint32_t i, batch, idx = 0;

	for (batch = 0; batch < 5; batch++) {
		for (i = 0; i < 60; i++)
			idx = post(self->ring, HOSPES_BLK_READ, i % DISK_SECTORS,
				   BUF_GPA + 512 * (i % 16), 512);
		blkring_serve(self->dev);
		EXPECT_EQ(idx + 1, self->ring->rsp_prod);
		EXPECT_EQ(0, status(self->ring, idx));
	}
	EXPECT_EQ(300u, self->ring->rsp_prod);
	EXPECT_EQ(5u, events);
}

TEST_F(blk, a_guest_overrunning_the_ring_gets_one_pass_over_it)
{
	uint32_t i;

	for (i = 0; i < self->ring->nr_slots; i++)
		post(self->ring, HOSPES_BLK_READ, 0, BUF_GPA, 512);
	self->ring->req_prod = 100000;
	blkring_serve(self->dev);
	EXPECT_EQ(100000u, self->ring->rsp_prod);
	EXPECT_EQ(0, status(self->ring, 0));
	EXPECT_EQ(1u, events);
}

TEST_F(blk, a_shrunken_file_gives_eio)
{
	uint32_t r;

	ASSERT_EQ(0, ftruncate(self->disk, 8 * 512));
	r = post(self->ring, HOSPES_BLK_READ, 10, BUF_GPA, 512);
	blkring_serve(self->dev);
	EXPECT_EQ(-EIO, status(self->ring, r));
}

TEST_F(blk, the_vmm_ignores_ring_fields_the_guest_scribbled)
{
	self->ring->nr_slots = 0;
	self->ring->req_cons = 1234;
	self->ring->slots[0] = (struct hospes_blk_request){
		.op = HOSPES_BLK_READ, .sector = 2, .buf_gpa = BUF_GPA, .len = 512,
	};
	self->ring->req_prod = 1;
	blkring_serve(self->dev);
	EXPECT_EQ(0, self->ring->slots[0].status);
	EXPECT_EQ(1u, self->ring->rsp_prod);
	EXPECT_EQ(2, self->m.mem.host[BUF_GPA]);
}

TEST_HARNESS_MAIN
