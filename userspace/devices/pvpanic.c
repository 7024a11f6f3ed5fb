// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvpanic (QEMU's docs/specs/pvpanic.txt): one port, described in the DSDT
 * as QEMU0001, which Linux's pvpanic-mmio driver (a module in Debian)
 * writes from its panic notifier. A read tells which events the device
 * understands. A panic ends `hospes run` with EXIT_GUEST_DIED rather than
 * leaving the guest spinning in panic() or rebooting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "devices/devices.h"
#include "devices/pc.h"
#include "machine.h"

#define PVPANIC_PANICKED	(1u << 0)
#define PVPANIC_CRASH_LOADED	(1u << 1)	/* a kdump kernel takes over */

struct pvpanic {
	struct device dev;
	struct machine *m;
};

static uint64_t pvpanic_read(struct device *dev, uint64_t offset,
			     unsigned int size)
{
	(void)dev;
	(void)offset;
	(void)size;
	return PVPANIC_PANICKED | PVPANIC_CRASH_LOADED;
}

static void pvpanic_write(struct device *dev, uint64_t offset,
			  unsigned int size, uint64_t value)
{
	struct pvpanic *p = (struct pvpanic *)dev;

	(void)offset;
	(void)size;
	if (value & PVPANIC_PANICKED) {
		fprintf(stderr, "hospes: the guest kernel panicked\n");
		machine_stop(p->m, EXIT_GUEST_DIED);
	} else if (value & PVPANIC_CRASH_LOADED) {
		/* The crash kernel runs on: the guest is not gone yet. */
		fprintf(stderr, "hospes: the guest kernel crashed into its kdump kernel\n");
	}
}

static const struct bus_ops pvpanic_ops = {
	.read = pvpanic_read,
	.write = pvpanic_write,
};

static void pvpanic_destroy(struct device *dev)
{
	device_release(dev);
	free(dev);
}

/* The device has no state: what it reports is fixed, a panic is final. */
static void pvpanic_save(struct device *dev, struct blob *out)
{
	(void)dev;
	(void)out;
}

static int pvpanic_restore(struct machine *m, struct blob *state)
{
	struct pvpanic *p = calloc(1, sizeof(*p));

	if (p) {
		device_init(&p->dev, "pvpanic", pvpanic_destroy);
		p->dev.save = pvpanic_save;
		p->m = m;
	}
	if (machine_attach_pio(m, p ? &p->dev : NULL, PVPANIC_PORT, 1,
			       &pvpanic_ops))
		return -1;
	if (state && !blob_done(state)) {
		fprintf(stderr, "hospes: the saved state of pvpanic is malformed\n");
		return -1;
	}
	return 0;
}

int pvpanic_attach(struct machine *m)
{
	return pvpanic_restore(m, NULL);
}

const struct device_model pvpanic_model = {
	.name = "pvpanic",
	.restore = pvpanic_restore,
};
