// SPDX-License-Identifier: GPL-2.0-only
/*
 * The MC146818 clock behind CMOS ports 0x70 (index) and 0x71 (data), as
 * far as a kernel reads it: the date and time (the host's UTC, in BCD or
 * binary and 12 or 24 hours as register B asks), never an update in
 * progress, and valid RAM. Linux reads it once at boot for the wall clock;
 * without it, it would wait a second for an update that never ends. The
 * FADT says there is no CMOS RTC, so no driver takes it further: setting
 * the time, alarms and periodic interrupts are not modelled (time writes
 * are dropped), and the other bytes are plain RAM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blob.h"
#include "devices/devices.h"
#include "devices/pc.h"
#include "machine.h"

#define REG_SECONDS	0x00
#define REG_MINUTES	0x02
#define REG_HOURS	0x04
#define REG_WEEKDAY	0x06
#define REG_DAY		0x07
#define REG_MONTH	0x08
#define REG_YEAR	0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_C		0x0c
#define REG_D		0x0d
#define NR_BYTES	128
#define INDEX_MASK	0x7f	/* bit 7 of the index masks NMIs: ignored */

#define A_DIVIDER	0x26	/* 32.768 kHz, 1024 Hz: the usual setting */
#define A_UIP		0x80	/* update in progress: read-only */
#define B_24H		0x02
#define B_BINARY	0x04
#define D_VALID		0x80	/* the battery is fine */
#define HOUR_PM		0x80	/* 12-hour mode */

struct cmos_rtc {
	struct device dev;
	uint8_t index;
	uint8_t ram[NR_BYTES];
};

static struct cmos_rtc *to_rtc(struct device *dev)
{
	return (struct cmos_rtc *)dev;
}

static uint8_t encode(const struct cmos_rtc *c, unsigned int v)
{
	return (c->ram[REG_B] & B_BINARY) ? v : (v / 10) << 4 | v % 10;
}

static uint8_t hours(const struct cmos_rtc *c, unsigned int h)
{
	unsigned int h12 = h % 12 ? h % 12 : 12;

	if (c->ram[REG_B] & B_24H)
		return encode(c, h);
	return encode(c, h12) | (h >= 12 ? HOUR_PM : 0);
}

static uint8_t read_reg(struct cmos_rtc *c, unsigned int reg)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (reg) {
	case REG_SECONDS:
		return encode(c, tm.tm_sec);
	case REG_MINUTES:
		return encode(c, tm.tm_min);
	case REG_HOURS:
		return hours(c, tm.tm_hour);
	case REG_WEEKDAY:
		return encode(c, tm.tm_wday + 1);
	case REG_DAY:
		return encode(c, tm.tm_mday);
	case REG_MONTH:
		return encode(c, tm.tm_mon + 1);
	case REG_YEAR:
		return encode(c, tm.tm_year % 100);
	case REG_A:
		return c->ram[REG_A];	/* UIP never set */
	case REG_C:
		return 0;		/* no interrupt flags: none are raised */
	case REG_D:
		return D_VALID;
	default:
		return c->ram[reg];
	}
}

static uint64_t cmos_rtc_read(struct device *dev, uint64_t offset,
			      unsigned int size)
{
	struct cmos_rtc *c = to_rtc(dev);

	(void)size;
	/* The index port is write-only on the chip: it floats. */
	return offset ? read_reg(c, c->index) : 0xff;
}

static void cmos_rtc_write(struct device *dev, uint64_t offset,
			   unsigned int size, uint64_t value)
{
	struct cmos_rtc *c = to_rtc(dev);

	(void)size;
	if (!offset) {
		c->index = value & INDEX_MASK;
		return;
	}
	/* The clock is the host's: setting it is not modelled. */
	if (c->index <= REG_YEAR || c->index == REG_C || c->index == REG_D)
		return;
	c->ram[c->index] = c->index == REG_A ? value & ~A_UIP : value;
}

static const struct bus_ops cmos_rtc_ops = {
	.read = cmos_rtc_read,
	.write = cmos_rtc_write,
};

static void cmos_rtc_destroy(struct device *dev)
{
	device_release(dev);
	free(to_rtc(dev));
}

/*
 * The index and the RAM bytes (the time registers among them are unused:
 * the time is the host's, read at each access).
 */
static void cmos_rtc_save(struct device *dev, struct blob *out)
{
	struct cmos_rtc *c = to_rtc(dev);

	blob_put(out, &c->index, 1);
	blob_put(out, c->ram, sizeof(c->ram));
}

static int cmos_rtc_load(struct cmos_rtc *c, struct blob *state)
{
	blob_get(state, &c->index, 1);
	blob_get(state, c->ram, sizeof(c->ram));
	if (!blob_done(state) || c->index > INDEX_MASK)
		return -1;
	c->ram[REG_A] &= ~A_UIP;
	return 0;
}

/* state: a saved clock's, or NULL for one as at power-on. */
static int cmos_rtc_restore(struct machine *m, struct blob *state)
{
	struct cmos_rtc *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		fprintf(stderr, "hospes: out of memory\n");
		return -1;
	}
	device_init(&c->dev, "cmos-rtc", cmos_rtc_destroy);
	c->dev.save = cmos_rtc_save;
	c->ram[REG_A] = A_DIVIDER;
	c->ram[REG_B] = B_24H;
	machine_add_device(m, &c->dev);
	if (state && cmos_rtc_load(c, state)) {
		fprintf(stderr, "hospes: the saved state of cmos-rtc is malformed\n");
		return -1;
	}
	err = bus_add_range(&m->bus, BUS_PIO, CMOS_PORT, 2, &cmos_rtc_ops,
			    &c->dev);
	if (err) {
		fprintf(stderr, "hospes: cmos-rtc at %#x: %s\n", CMOS_PORT,
			strerror(-err));
		return -1;
	}
	return 0;
}

int cmos_rtc_attach(struct machine *m)
{
	return cmos_rtc_restore(m, NULL);
}

const struct device_model cmos_rtc_model = {
	.name = "cmos-rtc",
	.restore = cmos_rtc_restore,
};
