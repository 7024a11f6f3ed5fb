// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reset line of an 8042 keyboard controller, and nothing else of it:
 * the command port 0x64, where "pulse output port" commands (0xf0-0xff)
 * with bit 0 clear pulse the CPU's reset line, as PCs have done since the
 * AT. Linux reboots this way when its reboot type is "kbd" (reboot=k, or
 * /sys/kernel/reboot/type), and falls back to it after the ACPI reset
 * register; other loaders and kernels use it too. The status register
 * reads 0: no byte waiting, input buffer empty (so a driver waiting to
 * send a command proceeds at once). There is no keyboard: the data port
 * 0x60 stays unclaimed, and the FADT says there is no 8042, which keeps
 * Linux's i8042 driver from probing (acpi.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "blob.h"
#include "devices/devices.h"
#include "devices/pc.h"
#include "machine.h"

#define CMD_PULSE_MASK		0xf0	/* 0xf0-0xff: pulse output port bits */
#define CMD_PULSE_RESET		0x01	/* ...low bits clear are pulsed */

struct i8042 {
	struct device dev;
	struct machine *m;
};

static uint64_t i8042_read(struct device *dev, uint64_t offset,
			   unsigned int size)
{
	(void)dev;
	(void)offset;
	(void)size;
	return 0;
}

static void i8042_write(struct device *dev, uint64_t offset,
			unsigned int size, uint64_t value)
{
	uint8_t cmd = value;

	(void)offset;
	(void)size;
	if ((cmd & CMD_PULSE_MASK) == CMD_PULSE_MASK && !(cmd & CMD_PULSE_RESET))
		machine_reboot(((struct i8042 *)dev)->m);
}

static const struct bus_ops i8042_ops = {
	.read = i8042_read,
	.write = i8042_write,
};

static void i8042_destroy(struct device *dev)
{
	device_release(dev);
	free(dev);
}

/* Nothing to carry: a reset pulse is over when the write returns. */
static void i8042_save(struct device *dev, struct blob *out)
{
	(void)dev;
	(void)out;
}

static int i8042_restore(struct machine *m, struct blob *state)
{
	struct i8042 *k = calloc(1, sizeof(*k));

	if (k) {
		device_init(&k->dev, "i8042", i8042_destroy);
		k->dev.save = i8042_save;
		k->m = m;
	}
	if (machine_attach_pio(m, k ? &k->dev : NULL, I8042_COMMAND_PORT, 1,
			       &i8042_ops))
		return -1;
	if (state && !blob_done(state)) {
		fprintf(stderr, "hospes: the saved state of i8042 is malformed\n");
		return -1;
	}
	return 0;
}

int i8042_attach(struct machine *m)
{
	return i8042_restore(m, NULL);
}

const struct device_model i8042_model = {
	.name = "i8042",
	.restore = i8042_restore,
};
