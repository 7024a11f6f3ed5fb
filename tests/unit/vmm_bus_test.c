// SPDX-License-Identifier: GPL-2.0-only
/* Device range dispatch: the bus finds the device, or answers all ones. */
#include <errno.h>
#include <stdint.h>

#include "bus.h"

#include "kselftest_harness.h"

/* A device that records its last access and reads back a tagged offset. */
struct probe {
	struct device dev;
	uint64_t tag;
	uint64_t offset;
	unsigned int size;
	uint64_t written;
	unsigned int calls;
	uint32_t port;
};

static uint64_t probe_read(struct device *dev, uint64_t offset,
			   unsigned int size)
{
	struct probe *p = (struct probe *)dev;

	p->offset = offset;
	p->size = size;
	p->calls++;
	/* Bits above size must be dropped by the bus. */
	return p->tag | offset | 0xabcd000000000000ull;
}

static void probe_write(struct device *dev, uint64_t offset, unsigned int size,
			uint64_t value)
{
	struct probe *p = (struct probe *)dev;

	p->offset = offset;
	p->size = size;
	p->written = value;
	p->calls++;
}

static void probe_notify(struct device *dev, uint32_t port)
{
	struct probe *p = (struct probe *)dev;

	p->port = port;
	p->calls++;
}

static const struct bus_ops probe_ops = {
	.read = probe_read,
	.write = probe_write,
};

static const struct bus_ops write_only_ops = {
	.write = probe_write,
};

FIXTURE(bus) {
	struct bus bus;
	struct probe a, b, c;
};

FIXTURE_SETUP(bus)
{
	memset(&self->bus, 0, sizeof(self->bus));
	device_init(&self->a.dev, "a", NULL);
	device_init(&self->b.dev, "b", NULL);
	device_init(&self->c.dev, "c", NULL);
	self->a.tag = 0xa00;
	self->b.tag = 0xb00;
	self->c.tag = 0xc00;
	/* Registered out of order: the bus keeps them sorted. */
	ASSERT_EQ(0, bus_add_range(&self->bus, BUS_PIO, 0x3f8, 8, &probe_ops, &self->b.dev));
	ASSERT_EQ(0, bus_add_range(&self->bus, BUS_PIO, 0x2f8, 8, &probe_ops, &self->a.dev));
	ASSERT_EQ(0, bus_add_range(&self->bus, BUS_MMIO, 0xfee00000, 0x1000, &probe_ops, &self->c.dev));
}

FIXTURE_TEARDOWN(bus)
{
	bus_free(&self->bus);
}

TEST_F(bus, accesses_reach_their_device_at_their_offset)
{
	EXPECT_EQ(0xb05u, bus_read(&self->bus, BUS_PIO, 0x3fd, 2));
	EXPECT_EQ(5u, self->b.offset);
	EXPECT_EQ(2u, self->b.size);
	EXPECT_EQ(0u, self->a.calls);

	bus_write(&self->bus, BUS_PIO, 0x2f8, 1, 0x1234);
	EXPECT_EQ(0u, self->a.offset);
	EXPECT_EQ(0x34u, self->a.written);	/* trimmed to the access size */
	EXPECT_EQ(1u, self->a.calls);

	EXPECT_EQ(0xabcd000000000c10ull, bus_read(&self->bus, BUS_MMIO, 0xfee00010, 8));
	EXPECT_EQ(0x10u, self->c.offset);
}

TEST_F(bus, unclaimed_reads_are_all_ones_and_writes_vanish)
{
	EXPECT_EQ(0xffu, bus_read(&self->bus, BUS_PIO, 0x80, 1));
	EXPECT_EQ(0xffffu, bus_read(&self->bus, BUS_PIO, 0x400, 2));
	EXPECT_EQ(0xffffffffu, bus_read(&self->bus, BUS_PIO, 0x3f5, 4));
	EXPECT_EQ(~0ull, bus_read(&self->bus, BUS_MMIO, 0xfee01000, 8));
	bus_write(&self->bus, BUS_PIO, 0x3f7, 1, 1);
	bus_write(&self->bus, BUS_PIO, 0x400, 1, 1);
	EXPECT_EQ(0u, self->a.calls + self->b.calls + self->c.calls);
}

TEST_F(bus, spaces_are_separate)
{
	EXPECT_EQ(0xffu, bus_read(&self->bus, BUS_MMIO, 0x3f8, 1));
	EXPECT_EQ(0xffu, bus_read(&self->bus, BUS_PIO, 0xfee00000, 1));
	EXPECT_EQ(0u, self->b.calls + self->c.calls);
}

TEST_F(bus, an_access_must_fit_one_range)
{
	/* 0x3fe..0x401 runs off the end of the UART's 8 ports. */
	EXPECT_EQ(0xffffffffu, bus_read(&self->bus, BUS_PIO, 0x3fe, 4));
	bus_write(&self->bus, BUS_PIO, 0x3ff, 2, 0);
	EXPECT_EQ(0u, self->b.calls);
	EXPECT_EQ(7u, bus_read(&self->bus, BUS_PIO, 0x3ff, 1));
	EXPECT_EQ(7u, self->b.offset);
}

TEST_F(bus, overlaps_are_refused_neighbours_are_not)
{
	struct probe d = { 0 };

	device_init(&d.dev, "d", NULL);
	EXPECT_EQ(-EEXIST, bus_add_range(&self->bus, BUS_PIO, 0x3f8, 1, &probe_ops, &d.dev));
	EXPECT_EQ(-EEXIST, bus_add_range(&self->bus, BUS_PIO, 0x3ff, 1, &probe_ops, &d.dev));
	EXPECT_EQ(-EEXIST, bus_add_range(&self->bus, BUS_PIO, 0x3f0, 9, &probe_ops, &d.dev));
	EXPECT_EQ(-EEXIST, bus_add_range(&self->bus, BUS_PIO, 0x200, 0x400, &probe_ops, &d.dev));
	EXPECT_EQ(0, bus_add_range(&self->bus, BUS_PIO, 0x3f0, 8, &probe_ops, &d.dev));
	EXPECT_EQ(0, bus_add_range(&self->bus, BUS_PIO, 0x400, 8, &probe_ops, &d.dev));
	EXPECT_EQ(0u, bus_read(&self->bus, BUS_PIO, 0x3f0, 1) & 0xff);
	EXPECT_EQ(0xb00u, bus_read(&self->bus, BUS_PIO, 0x3f8, 2));
	EXPECT_EQ(7u, bus_read(&self->bus, BUS_PIO, 0x407, 1));
	device_release(&d.dev);
}

TEST_F(bus, empty_and_wrapping_ranges_are_refused)
{
	EXPECT_EQ(-EINVAL, bus_add_range(&self->bus, BUS_MMIO, 0x1000, 0, &probe_ops, &self->a.dev));
	EXPECT_EQ(-EINVAL, bus_add_range(&self->bus, BUS_MMIO, ~0ull, 2, &probe_ops, &self->a.dev));
	EXPECT_EQ(0, bus_add_range(&self->bus, BUS_MMIO, ~0ull, 1, &probe_ops, &self->a.dev));
	EXPECT_EQ(0u, bus_read(&self->bus, BUS_MMIO, ~0ull, 1));
	EXPECT_EQ(1u, self->a.calls);
}

TEST_F(bus, a_device_without_read_answers_all_ones)
{
	struct probe d = { 0 };

	device_init(&d.dev, "d", NULL);
	ASSERT_EQ(0, bus_add_range(&self->bus, BUS_PIO, 0x80, 1, &write_only_ops, &d.dev));
	EXPECT_EQ(0xffu, bus_read(&self->bus, BUS_PIO, 0x80, 1));
	bus_write(&self->bus, BUS_PIO, 0x80, 1, 0x42);
	EXPECT_EQ(0x42u, d.written);
	device_release(&d.dev);
}

TEST_F(bus, events_reach_the_bound_device)
{
	EXPECT_EQ(0, bus_bind_event(&self->bus, 2, probe_notify, &self->a.dev));
	EXPECT_EQ(0, bus_bind_event(&self->bus, 7, probe_notify, &self->b.dev));
	EXPECT_EQ(-EEXIST, bus_bind_event(&self->bus, 2, probe_notify, &self->c.dev));
	EXPECT_TRUE(bus_notify(&self->bus, 7));
	EXPECT_EQ(7u, self->b.port);
	EXPECT_EQ(0u, self->a.calls);
	EXPECT_FALSE(bus_notify(&self->bus, 3));
	EXPECT_TRUE(bus_notify(&self->bus, 2));
	EXPECT_EQ(2u, self->a.port);
}

TEST_HARNESS_MAIN
