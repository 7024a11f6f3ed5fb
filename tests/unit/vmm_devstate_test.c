// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device state for save, restore and migration: each device of the Linux
 * machine saved in one machine and restored in another (with the same
 * guest RAM, as a stream carries it) answers the guest's registers as it
 * did and saves to the same bytes; a virtio-blk request made available
 * but not yet taken is served once on the target; a network card comes
 * back on its tap; malformed states are refused. There is no VM: raising an interrupt pin fails, and says so on
 * stderr, which the tests silence.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "blob.h"
#include "devices/devices.h"
#include "devices/pc.h"
#include "machine.h"

#include "kselftest_harness.h"
#include "virtio_driver.h"

#define MEM		(1ull << 20)
#define BASE		(VIRTIO_MMIO_BASE + VIRTIO_MMIO_SIZE)
#define GSI		(VIRTIO_MMIO_FIRST_GSI + 1)

/* Two machines with RAM, the source and the target of a save. */
FIXTURE(two) {
	struct vm_config cfg;
	struct machine src, dst;
	char path[64];
	int fd;
};

/* A machine with RAM: 0, or -1. */
static int machine_with_ram(struct machine *m, const struct vm_config *cfg)
{
	machine_init(m, cfg);
	m->mem.size = MEM;
	m->mem.host = mmap(NULL, MEM, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return m->mem.host == MAP_FAILED ? -1 : 0;
}

FIXTURE_SETUP(two)
{
	freopen("/dev/null", "w", stderr);
	memset(&self->cfg, 0, sizeof(self->cfg));
	ASSERT_EQ(0, machine_with_ram(&self->src, &self->cfg));
	ASSERT_EQ(0, machine_with_ram(&self->dst, &self->cfg));
	snprintf(self->path, sizeof(self->path), "/tmp/hospes-devstate-XXXXXX");
	self->fd = mkstemp(self->path);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ftruncate(self->fd, 64 * 1024));
}

FIXTURE_TEARDOWN(two)
{
	machine_destroy(&self->src);
	machine_destroy(&self->dst);
	close(self->fd);
	unlink(self->path);
}

/* What dev's save hook writes. */
static struct blob saved(struct device *dev)
{
	struct blob b = { 0 };

	dev->save(dev, &b);
	return b;
}

/*
 * Save the source's newest device, copy the source's RAM over, restore
 * the state in the target: the restore's result; *out is the new device.
 */
static int carry(struct _test_data_two *self, struct device **out)
{
	struct blob b = saved(self->src.devices), in;
	const struct device_model *model = device_model_find(self->src.devices->name);
	int ret;

	memcpy(self->dst.mem.host, self->src.mem.host, MEM);
	blob_parse(&in, b.data, b.len);
	ret = model ? model->restore(&self->dst, &in) : -1;
	*out = self->dst.devices;
	blob_free(&b);
	return ret;
}

/* Both devices save to the same bytes. */
static int same_state(struct device *a, struct device *b)
{
	struct blob x = saved(a), y = saved(b);
	int same = x.len == y.len && !x.bad && !y.bad &&
		   !memcmp(x.data, y.data, x.len);

	blob_free(&x);
	blob_free(&y);
	return same;
}

/*
 * Restore bytes (with len of them) as model name in a new target with
 * the source's RAM: the result.
 */
static int restore_bytes(struct _test_data_two *self, const char *name,
			 const void *bytes, size_t len)
{
	struct blob in;

	machine_destroy(&self->dst);
	if (machine_with_ram(&self->dst, &self->cfg))
		return -2;
	memcpy(self->dst.mem.host, self->src.mem.host, MEM);
	blob_parse(&in, bytes, len);
	return device_model_find(name)->restore(&self->dst, &in);
}

static uint64_t io(struct machine *m, enum bus_space s, uint64_t addr,
		   unsigned int size)
{
	return bus_read(&m->bus, s, addr, size);
}

static void out(struct machine *m, enum bus_space s, uint64_t addr,
		unsigned int size, uint64_t v)
{
	bus_write(&m->bus, s, addr, size, v);
}

TEST_F(two, cmos_keeps_its_index_and_ram)
{
	struct device *d;
	uint8_t bad[1 + 128] = { 0x80 };

	ASSERT_EQ(0, cmos_rtc_attach(&self->src));
	out(&self->src, BUS_PIO, CMOS_PORT, 1, 0x30);
	out(&self->src, BUS_PIO, CMOS_PORT + 1, 1, 0x5a);
	out(&self->src, BUS_PIO, CMOS_PORT, 1, 0x0b);
	out(&self->src, BUS_PIO, CMOS_PORT + 1, 1, 0x06);	/* binary, 24 h */
	out(&self->src, BUS_PIO, CMOS_PORT, 1, 0x30);
	ASSERT_EQ(0, carry(self, &d));
	EXPECT_TRUE(same_state(self->src.devices, d));
	EXPECT_EQ(0x5au, io(&self->dst, BUS_PIO, CMOS_PORT + 1, 1));
	out(&self->dst, BUS_PIO, CMOS_PORT, 1, 0x0b);
	EXPECT_EQ(0x06u, io(&self->dst, BUS_PIO, CMOS_PORT + 1, 1));
	/* An index beyond the RAM, and a short state. */
	EXPECT_EQ(-1, restore_bytes(self, "cmos-rtc", bad, sizeof(bad)));
	EXPECT_EQ(-1, restore_bytes(self, "cmos-rtc", bad, 5));
}

TEST_F(two, acpi_pm_keeps_enable_and_control)
{
	struct device *d;
	uint16_t bad[2] = { 0, 0x2000 };	/* SLP_EN is write-only */

	ASSERT_EQ(0, acpi_pm_attach(&self->src));
	out(&self->src, BUS_PIO, ACPI_PM1A_EVT_PORT + 2, 2, 0x0120);
	out(&self->src, BUS_PIO, ACPI_PM1A_CNT_PORT, 2, 0x0c00);
	ASSERT_EQ(0, carry(self, &d));
	EXPECT_EQ(0x0120u, io(&self->dst, BUS_PIO, ACPI_PM1A_EVT_PORT + 2, 2));
	EXPECT_EQ(0x0c01u, io(&self->dst, BUS_PIO, ACPI_PM1A_CNT_PORT, 2));
	EXPECT_TRUE(same_state(self->src.devices, d));
	EXPECT_EQ(-1, restore_bytes(self, "acpi-pm", bad, sizeof(bad)));
}

TEST_F(two, pvpanic_has_no_state_and_takes_none)
{
	struct device *d;

	ASSERT_EQ(0, pvpanic_attach(&self->src));
	ASSERT_EQ(0, carry(self, &d));
	EXPECT_EQ(3u, io(&self->dst, BUS_PIO, PVPANIC_PORT, 1));
	EXPECT_EQ(-1, restore_bytes(self, "pvpanic", "x", 1));
}

static void wr(struct machine *m, uint64_t reg, uint32_t v)
{
	out(m, BUS_MMIO, BASE + reg, 4, v);
}

static uint32_t rd(struct machine *m, uint64_t reg)
{
	return io(m, BUS_MMIO, BASE + reg, 4);
}

static void *at(struct machine *m, uint64_t gpa)
{
	return (uint8_t *)m->mem.host + gpa;
}

static void driver_init(struct machine *m)
{
	virtio_driver_init(&m->bus, BASE);
}

/*
 * A one-sector write of byte to sector as avail entry n, in three
 * descriptors; kicked if kick.
 */
static void write_request(struct machine *m, uint16_t n, uint64_t sector,
			  uint8_t byte, int kick)
{
	uint32_t hdr[4] = { 1, 0, (uint32_t)sector, 0 };
	uint64_t addr[3] = { HDR, DATA, STATUS };
	uint32_t len[3] = { 16, 512, 1 };
	uint16_t flags[3] = { 1, 1, 2 }, idx = n + 1, head = 0;
	unsigned int i;

	memcpy(at(m, HDR), hdr, sizeof(hdr));
	memset(at(m, DATA), byte, 512);
	*(uint8_t *)at(m, STATUS) = 0xff;
	for (i = 0; i < 3; i++) {
		uint8_t *d = at(m, DESC + 16 * i);
		uint16_t next = i + 1;

		memcpy(d, &addr[i], 8);
		memcpy(d + 8, &len[i], 4);
		memcpy(d + 12, &flags[i], 2);
		memcpy(d + 14, &next, 2);
	}
	memcpy(at(m, AVAIL + 4 + 2 * (n % QSIZE)), &head, 2);
	memcpy(at(m, AVAIL + 2), &idx, 2);
	if (kick)
		wr(m, 0x050, 0);
}

static uint16_t used_idx(struct machine *m)
{
	uint16_t v;

	memcpy(&v, at(m, USED + 2), 2);
	return v;
}

TEST_F(two, virtio_blk_goes_on_and_serves_what_was_left_available_once)
{
	uint8_t sector[512];
	struct device *d;

	ASSERT_EQ(0, virtio_blk_attach(&self->src, self->path, BASE, GSI));
	driver_init(&self->src);
	write_request(&self->src, 0, 1, 0x11, 1);
	EXPECT_EQ(1, used_idx(&self->src));
	EXPECT_EQ(1u, rd(&self->src, 0x060));	/* used buffer interrupt */
	/* Made available, not kicked when the machine paused. */
	write_request(&self->src, 1, 2, 0x22, 0);
	ASSERT_EQ(0, carry(self, &d));
	/* The target served it; the source never did. */
	EXPECT_EQ(1, used_idx(&self->src));
	EXPECT_EQ(2, used_idx(&self->dst));
	EXPECT_EQ(0, *(uint8_t *)at(&self->dst, STATUS));
	ASSERT_EQ(512, pread(self->fd, sector, 512, 2 * 512));
	EXPECT_EQ(0x22, sector[0]);
	/* Registers as the driver left them; the same queue on. */
	EXPECT_EQ(1u | 2u | 4u | 8u, rd(&self->dst, 0x070));
	EXPECT_EQ(1u, rd(&self->dst, 0x044));
	EXPECT_EQ(1u, rd(&self->dst, 0x060));
	wr(&self->dst, 0x064, 1);
	EXPECT_EQ(0u, rd(&self->dst, 0x060));
	write_request(&self->dst, 2, 3, 0x33, 1);
	EXPECT_EQ(3, used_idx(&self->dst));
	ASSERT_EQ(512, pread(self->fd, sector, 512, 3 * 512));
	EXPECT_EQ(0x33, sector[0]);
}

/* The source's virtio-blk state with one 32-bit field at off replaced. */
static int restore_patched(struct _test_data_two *self, size_t off,
			   uint32_t value)
{
	struct blob b = saved(self->src.devices);
	int ret;

	memcpy(b.data + off, &value, 4);
	ret = restore_bytes(self, "virtio-blk", b.data, b.len);
	blob_free(&b);
	return ret;
}

TEST_F(two, malformed_virtio_states_are_refused)
{
	struct blob b;

	ASSERT_EQ(0, virtio_blk_attach(&self->src, self->path, BASE, GSI));
	driver_init(&self->src);
	b = saved(self->src.devices);
	/* As saved: fine; then short, and with a byte too many. */
	EXPECT_EQ(0, restore_bytes(self, "virtio-blk", b.data, b.len));
	EXPECT_EQ(-1, restore_bytes(self, "virtio-blk", b.data, b.len - 1));
	b.data = realloc(b.data, b.len + 1);
	ASSERT_NE(NULL, b.data);
	EXPECT_EQ(-1, restore_bytes(self, "virtio-blk", b.data, b.len + 1));
	blob_free(&b);
	/*
	 * Layout (docs/stream-format.md): base 8, gsi 4, four words,
	 * features 8, interrupt status at 36, flags 40, queues 44; queue 0:
	 * size 48, flags 52, descriptor table 56.
	 */
	EXPECT_EQ(-1, restore_patched(self, 0, 0x1000));	/* base */
	EXPECT_EQ(-1, restore_patched(self, 8, 4));		/* a pin of the ISA range */
	EXPECT_EQ(-1, restore_patched(self, 44, 2));		/* 2 queues for a blk */
	EXPECT_EQ(-1, restore_patched(self, 48, 6));		/* queue size 6 */
	EXPECT_EQ(-1, restore_patched(self, 40, 1));		/* pin high, no interrupt */
	EXPECT_EQ(-1, restore_patched(self, 56, (uint32_t)MEM));	/* rings outside RAM */
	EXPECT_EQ(0, restore_patched(self, 56, DESC));		/* the control */
}

TEST_F(two, virtio_console_keeps_input_the_guest_had_no_buffer_for)
{
	int in[2], outp[2];
	struct device *d;
	struct blob b;
	char got[8] = "";

	ASSERT_EQ(0, pipe2(in, O_NONBLOCK));
	ASSERT_EQ(0, pipe2(outp, O_NONBLOCK));
	console_init_fds(&self->src.console, in[0], outp[1], false);
	console_init_fds(&self->dst.console, in[0], outp[1], false);
	ASSERT_EQ(0, virtio_console_attach(&self->src, BASE, GSI));
	ASSERT_EQ(4, write(in[1], "abc\n", 4));
	/* The input thread takes it; no buffer is posted to put it in. */
	for (int i = 0; i < 100; i++) {
		b = saved(self->src.devices);
		if (b.len && b.data[b.len - 1] == '\n')
			break;
		blob_free(&b);
		usleep(10000);
	}
	ASSERT_EQ('\n', b.data[b.len - 1]);
	blob_free(&b);
	ASSERT_EQ(0, carry(self, &d));
	EXPECT_TRUE(same_state(self->src.devices, d));
	/* What the target would hand the guest's first receive buffer. */
	b = saved(d);
	memcpy(got, b.data + b.len - 4, 4);
	EXPECT_STREQ("abc\n", got);
	blob_free(&b);
	machine_destroy(&self->src);
	machine_destroy(&self->dst);
	machine_init(&self->src, &self->cfg);
	machine_init(&self->dst, &self->cfg);
	console_close(&self->src.console);
	close(in[1]);
	close(outp[0]);
	close(outp[1]);
}

/*
 * A network card goes on on a tap of the same name (here the same tap,
 * once the source has let it go): its queues, features and MAC as the
 * driver left them. A name Linux would not take, or a multicast MAC, is
 * refused. Needs CAP_NET_ADMIN, to make the tap.
 */
TEST_F(two, virtio_net_goes_on_on_a_tap_of_the_same_name)
{
	static const uint8_t mac[6] = { 0x02, 0x68, 0x73, 0x70, 0x00, 0x07 };
	char spec[64], ifname[16];
	struct blob b, in, again;
	uint8_t *bytes;
	struct device *d;
	unsigned int i;

	snprintf(ifname, sizeof(ifname), "hsps%d", (int)getpid() % 100000);
	snprintf(spec, sizeof(spec), "tap:%s,mac=02:68:73:70:00:07", ifname);
	if (virtio_net_attach(&self->src, spec, BASE, GSI))
		SKIP(return, "cannot make tap %s (CAP_NET_ADMIN?)", ifname);
	driver_init(&self->src);
	b = saved(self->src.devices);
	ASSERT_FALSE(b.bad);
	/* The source lets its tap go, as a saved or migrated VM's does. */
	memcpy(self->dst.mem.host, self->src.mem.host, MEM);
	machine_destroy(&self->src);
	ASSERT_EQ(0, machine_with_ram(&self->src, &self->cfg));

	blob_parse(&in, b.data, b.len);
	ASSERT_EQ(0, virtio_net_model.restore(&self->dst, &in));
	d = self->dst.devices;
	again = saved(d);
	EXPECT_EQ(b.len, again.len);
	EXPECT_EQ(0, memcmp(b.data, again.data, b.len));
	blob_free(&again);
	EXPECT_EQ(1u | 2 | 4 | 8, rd(&self->dst, 0x070));	/* DRIVER_OK */
	EXPECT_EQ(1u, rd(&self->dst, 0x044));		/* queue 0 ready */
	for (i = 0; i < 6; i++)
		EXPECT_EQ(mac[i], io(&self->dst, BUS_MMIO, BASE + 0x100 + i, 1));

	bytes = malloc(b.len);
	ASSERT_NE(NULL, bytes);
	memcpy(bytes, b.data, b.len);
	bytes[b.len - 6 - strlen(ifname)] = '/';	/* a name with '/' */
	EXPECT_EQ(-1, restore_bytes(self, "virtio-net", bytes, b.len));
	memcpy(bytes, b.data, b.len);
	bytes[b.len - 6] |= 1;				/* a multicast MAC */
	EXPECT_EQ(-1, restore_bytes(self, "virtio-net", bytes, b.len));
	EXPECT_EQ(-1, restore_bytes(self, "virtio-net", b.data, b.len - 1));
	EXPECT_EQ(0, restore_bytes(self, "virtio-net", b.data, b.len));
	free(bytes);
	blob_free(&b);
}

TEST_HARNESS_MAIN
