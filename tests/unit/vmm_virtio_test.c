// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk and virtio-console behind the virtio-mmio transport, driven
 * through the bus as a guest driver would: registers, feature negotiation,
 * queues in guest RAM, requests served from a file, a malformed chain,
 * console output and typed input. There is no VM:
 * raising the interrupt pin fails, and says so on stderr, which the tests
 * that kick a queue silence.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "devices/pc.h"
#include "machine.h"
#include "virtio_driver.h"

#include "kselftest_harness.h"

#define MEM		(1ull << 20)
#define BASE		VIRTIO_MMIO_BASE
#define DISK_SIZE	(64 * 1024)

FIXTURE(vblk) {
	struct vm_config cfg;
	struct machine m;
	char path[64];
	int fd;
};

FIXTURE_SETUP(vblk)
{
	memset(&self->cfg, 0, sizeof(self->cfg));
	ASSERT_EQ(0, vdrv_machine(&self->m, &self->cfg, MEM));
	snprintf(self->path, sizeof(self->path), "/tmp/hospes-vblk-XXXXXX");
	self->fd = mkstemp(self->path);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ftruncate(self->fd, DISK_SIZE));
	ASSERT_EQ(0, virtio_blk_attach(&self->m, self->path, BASE, 16));
}

FIXTURE_TEARDOWN(vblk)
{
	machine_destroy(&self->m);
	close(self->fd);
	unlink(self->path);
}

static uint32_t rd(struct _test_data_vblk *self, uint64_t reg)
{
	return vdrv_rd(&self->m, BASE, reg);
}

static void wr(struct _test_data_vblk *self, uint64_t reg, uint32_t v)
{
	vdrv_wr(&self->m, BASE, reg, v);
}

static void *at(struct _test_data_vblk *self, uint64_t gpa)
{
	return self->m.mem.host + gpa;
}

static void driver_init(struct _test_data_vblk *self)
{
	virtio_driver_init(&self->m.bus, BASE);
}

static void desc(struct _test_data_vblk *self, unsigned int i, uint64_t addr,
		 uint32_t len, uint16_t flags, uint16_t next)
{
	vdrv_desc(&self->m, DESC, i, addr, len, flags, next);
}

/* Post the chain at head as avail entry n (n + 1 entries in all), kick. */
static void post(struct _test_data_vblk *self, uint16_t n, uint16_t head)
{
	uint16_t idx = n + 1;

	memcpy(at(self, AVAIL + 4 + 2 * (n % QSIZE)), &head, 2);
	memcpy(at(self, AVAIL + 2), &idx, 2);
	wr(self, 0x050, 0);
}

/* A request of type on sector with len bytes at DATA, in three descriptors. */
static void request(struct _test_data_vblk *self, uint16_t n, uint32_t type,
		    uint64_t sector, uint32_t len)
{
	uint32_t hdr[4] = { type, 0, (uint32_t)sector, (uint32_t)(sector >> 32) };

	memcpy(at(self, HDR), hdr, sizeof(hdr));
	*(uint8_t *)at(self, STATUS) = 0xff;
	desc(self, 0, HDR, 16, 1, 1);
	desc(self, 1, DATA, len, 1 | (type == 0 ? 2 : 0), 2);
	desc(self, 2, STATUS, 1, 2, 0);
	post(self, n, 0);
}

TEST_F(vblk, registers_say_virtio_2_block_and_offer_version_1)
{
	uint64_t capacity;

	EXPECT_EQ(0x74726976u, rd(self, 0x000));
	EXPECT_EQ(2u, rd(self, 0x004));
	EXPECT_EQ(2u, rd(self, 0x008));
	wr(self, 0x014, 1);
	EXPECT_EQ(1u, rd(self, 0x010));		/* VERSION_1: bit 32 */
	wr(self, 0x014, 0);
	EXPECT_EQ((1u << 9) | (1u << 2), rd(self, 0x010));	/* FLUSH, SEG_MAX */
	EXPECT_EQ(128u, rd(self, 0x034));
	capacity = bus_read(&self->m.bus, BUS_MMIO, BASE + 0x100, 8);
	EXPECT_EQ(DISK_SIZE / 512u, capacity);
}

TEST_F(vblk, features_ok_needs_version_1)
{
	wr(self, 0x070, 1 | 2 | 8);
	EXPECT_EQ(1u | 2u, rd(self, 0x070));
	driver_init(self);
	EXPECT_EQ(1u | 2u | 4u | 8u, rd(self, 0x070));
	EXPECT_EQ(1u, rd(self, 0x044));
	wr(self, 0x070, 0);			/* reset */
	EXPECT_EQ(0u, rd(self, 0x070));
	EXPECT_EQ(0u, rd(self, 0x044));
}

TEST_F(vblk, write_then_read_back_through_the_queue)
{
	uint8_t sector[512], disk[512];
	uint32_t used[2];
	uint16_t used_idx;

	freopen("/dev/null", "w", stderr);
	driver_init(self);
	memset(at(self, DATA), 0xab, 512);
	request(self, 0, 1, 3, 512);		/* write sector 3 */
	EXPECT_EQ(0, *(uint8_t *)at(self, STATUS));
	ASSERT_EQ(512, pread(self->fd, disk, 512, 3 * 512));
	memset(sector, 0xab, 512);
	EXPECT_EQ(0, memcmp(disk, sector, 512));
	memcpy(&used_idx, at(self, USED + 2), 2);
	EXPECT_EQ(1, used_idx);
	memcpy(used, at(self, USED + 4), 8);
	EXPECT_EQ(0u, used[0]);			/* the head */
	EXPECT_EQ(1u, used[1]);			/* the status byte only */
	EXPECT_EQ(1u, rd(self, 0x060));		/* used buffer interrupt */
	wr(self, 0x064, 1);
	EXPECT_EQ(0u, rd(self, 0x060));

	memset(at(self, DATA), 0, 512);
	request(self, 1, 0, 3, 512);		/* read it back */
	EXPECT_EQ(0, *(uint8_t *)at(self, STATUS));
	EXPECT_EQ(0, memcmp(at(self, DATA), sector, 512));
	memcpy(used, at(self, USED + 4 + 8), 8);
	EXPECT_EQ(513u, used[1]);

	request(self, 2, 0, DISK_SIZE / 512, 512);	/* past the end */
	EXPECT_EQ(1, *(uint8_t *)at(self, STATUS));
	request(self, 3, 99, 0, 512);		/* unknown type */
	EXPECT_EQ(2, *(uint8_t *)at(self, STATUS));
}

TEST_F(vblk, a_buffer_outside_ram_breaks_the_device_until_reset)
{
	freopen("/dev/null", "w", stderr);
	driver_init(self);
	desc(self, 0, MEM - 8, 16, 1, 1);	/* runs past the end of RAM */
	desc(self, 1, STATUS, 1, 2, 0);
	post(self, 0, 0);
	EXPECT_EQ(64u, rd(self, 0x070) & 64);	/* DEVICE_NEEDS_RESET */
	wr(self, 0x070, 0);
	EXPECT_EQ(0u, rd(self, 0x070));
}

/* virtio-console: queue 0 receives, queue 1 transmits. */
FIXTURE(vcon) {
	struct vm_config cfg;
	struct machine m;
	int in[2], out[2];	/* the console's input and output */
};

FIXTURE_SETUP(vcon)
{
	memset(&self->cfg, 0, sizeof(self->cfg));
	ASSERT_EQ(0, vdrv_machine(&self->m, &self->cfg, MEM));
	ASSERT_EQ(0, pipe2(self->in, O_NONBLOCK));
	ASSERT_EQ(0, pipe2(self->out, O_NONBLOCK));
	console_init_fds(&self->m.console, self->in[0], self->out[1], false);
	ASSERT_EQ(0, virtio_console_attach(&self->m, BASE, 17));
}

FIXTURE_TEARDOWN(vcon)
{
	machine_destroy(&self->m);
	close(self->in[0]);
	close(self->in[1]);
	close(self->out[0]);
	close(self->out[1]);
}

/* Queue q at DESC, AVAIL, USED + q * 0x100 (a few entries each). */
static void vcon_queue(struct _test_data_vcon *self, unsigned int q)
{
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x030, 4, q);
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x038, 4, QSIZE);
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x080, 4, DESC + q * 0x800);
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x090, 4, AVAIL + q * 0x800);
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x0a0, 4, USED + q * 0x800);
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x044, 4, 1);
}

/* One buffer at gpa as the only chain of queue q, kicked. */
static void vcon_post(struct _test_data_vcon *self, unsigned int q,
		      uint64_t gpa, uint32_t len, bool writable)
{
	uint8_t *d = self->m.mem.host + DESC + q * 0x800;
	uint16_t flags = writable ? 2 : 0, idx = 1, head = 0;

	memcpy(d, &gpa, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(self->m.mem.host + AVAIL + q * 0x800 + 4, &head, 2);
	memcpy(self->m.mem.host + AVAIL + q * 0x800 + 2, &idx, 2);
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x050, 4, q);
}

static uint32_t vcon_used_len(struct _test_data_vcon *self, unsigned int q)
{
	uint32_t len;

	memcpy(&len, self->m.mem.host + USED + q * 0x800 + 4 + 4, 4);
	return len;
}

TEST_F(vcon, output_reaches_the_console_and_input_the_guest)
{
	char buf[16] = "";
	uint16_t used_idx = 0;
	int i;

	freopen("/dev/null", "w", stderr);
	EXPECT_EQ(3u, bus_read(&self->m.bus, BUS_MMIO, BASE + 0x008, 4));
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x024, 4, 1);
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x020, 4, 1);
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x070, 4, 1 | 2 | 8);
	vcon_queue(self, 0);
	vcon_queue(self, 1);
	bus_write(&self->m.bus, BUS_MMIO, BASE + 0x070, 4, 1 | 2 | 4 | 8);

	memcpy(self->m.mem.host + DATA, "hello", 5);
	vcon_post(self, 1, DATA, 5, false);
	ASSERT_EQ(5, read(self->out[0], buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));

	/* Typed before the guest posts a buffer: kept until it does. */
	ASSERT_EQ(3, write(self->in[1], "ls\n", 3));
	usleep(50 * 1000);
	vcon_post(self, 0, STATUS, 16, true);
	for (i = 0; i < 200 && !used_idx; i++) {
		usleep(10 * 1000);
		memcpy(&used_idx, self->m.mem.host + USED + 2, 2);
	}
	ASSERT_EQ(1, used_idx);
	EXPECT_EQ(3u, vcon_used_len(self, 0));
	EXPECT_EQ(0, memcmp(self->m.mem.host + STATUS, "ls\n", 3));
}

TEST_HARNESS_MAIN
