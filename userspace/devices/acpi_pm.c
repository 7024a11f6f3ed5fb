// SPDX-License-Identifier: GPL-2.0-only
/*
 * ACPI fixed hardware as the FADT describes it (acpi.h): the PM1a event
 * block (status and enable), the PM1a control block, and the reset
 * register, all in one port range. No fixed event is ever raised, so
 * status reads 0 and the SCI stays low. What matters is the control
 * block: SLP_EN with the \_S5 sleep type is the guest powering off, which
 * ends `hospes run` with 0; a write of the reset value is a reboot (the
 * FADT's reset register is what Linux tries first), which stops the
 * machine for `hospes run` to build it again (machine_reboot()).
 */
#include <stdio.h>
#include <stdlib.h>

#include "blob.h"
#include "devices/devices.h"
#include "devices/pc.h"
#include "machine.h"

#define REG_PM1_STS	0	/* 2 bytes, write 1 to clear */
#define REG_PM1_EN	2	/* 2 bytes */
#define REG_PM1_CNT	(ACPI_PM1A_CNT_PORT - ACPI_PM1A_EVT_PORT)
#define REG_RESET	(ACPI_RESET_PORT - ACPI_PM1A_EVT_PORT)
#define NR_REGS		(REG_RESET + 1)

#define CNT_SCI_EN	0x0001	/* always set: there is no legacy mode */
#define CNT_SLP_TYP(v)	(((v) >> 10) & 7)
#define CNT_SLP_EN	0x2000	/* write-only: starts the transition */
#define CNT_WRITABLE	0x1c06	/* SLP_TYP, GBL_RLS, BM_RLD */

struct acpi_pm {
	struct device dev;
	struct machine *m;
	uint16_t pm1_en;
	uint16_t pm1_cnt;
};

static struct acpi_pm *to_pm(struct device *dev)
{
	return (struct acpi_pm *)dev;
}

static uint8_t read_byte(struct acpi_pm *pm, unsigned int off)
{
	switch (off) {
	case REG_PM1_EN:
	case REG_PM1_EN + 1:
		return pm->pm1_en >> (8 * (off - REG_PM1_EN));
	case REG_PM1_CNT:
	case REG_PM1_CNT + 1:
		return (pm->pm1_cnt | CNT_SCI_EN) >> (8 * (off - REG_PM1_CNT));
	default:		/* status: nothing happened; reset: write-only */
		return 0;
	}
}

static uint64_t acpi_pm_read(struct device *dev, uint64_t offset,
			     unsigned int size)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)read_byte(to_pm(dev), offset + i) << (8 * i);
	return v;
}

/* A control write that may carry SLP_EN: the whole 16 bits at once. */
static void write_control(struct acpi_pm *pm, uint16_t v)
{
	pm->pm1_cnt = v & CNT_WRITABLE;
	if (!(v & CNT_SLP_EN))
		return;
	if (CNT_SLP_TYP(v) == ACPI_S5_SLEEP_TYPE) {
		machine_stop(pm->m, 0);
		return;
	}
	/* The DSDT names no other sleep state: the guest made one up. */
	fprintf(stderr, "hospes: the guest asked for ACPI sleep type %u, which hospes does not have: ignored\n",
		CNT_SLP_TYP(v));
}

static void acpi_pm_write(struct device *dev, uint64_t offset,
			  unsigned int size, uint64_t value)
{
	struct acpi_pm *pm = to_pm(dev);
	uint16_t cnt = pm->pm1_cnt;
	unsigned int i;

	for (i = 0; i < size; i++) {
		unsigned int off = offset + i;
		uint8_t b = value >> (8 * i);

		if (off == REG_PM1_EN || off == REG_PM1_EN + 1) {
			unsigned int shift = 8 * (off - REG_PM1_EN);

			pm->pm1_en = (pm->pm1_en & ~(0xff << shift)) | b << shift;
		} else if (off == REG_PM1_CNT || off == REG_PM1_CNT + 1) {
			unsigned int shift = 8 * (off - REG_PM1_CNT);

			cnt = (cnt & ~(0xff << shift)) | b << shift;
		} else if (off == REG_RESET && b == ACPI_RESET_VALUE) {
			machine_reboot(pm->m);
		}
	}
	if (offset + size > REG_PM1_CNT && offset < REG_PM1_CNT + 2)
		write_control(pm, cnt);
}

static const struct bus_ops acpi_pm_ops = {
	.read = acpi_pm_read,
	.write = acpi_pm_write,
};

static void acpi_pm_destroy(struct device *dev)
{
	device_release(dev);
	free(to_pm(dev));
}

/* PM1 enable and control; status is always 0 and there is no PM timer. */
static void acpi_pm_save(struct device *dev, struct blob *out)
{
	struct acpi_pm *pm = to_pm(dev);

	blob_put(out, &pm->pm1_en, 2);
	blob_put(out, &pm->pm1_cnt, 2);
}

static int acpi_pm_load(struct acpi_pm *pm, struct blob *state)
{
	blob_get(state, &pm->pm1_en, 2);
	blob_get(state, &pm->pm1_cnt, 2);
	if (!blob_done(state) || (pm->pm1_cnt & ~CNT_WRITABLE))
		return -1;
	return 0;
}

/* state: a saved block's, or NULL for one as at power-on. */
static int acpi_pm_restore(struct machine *m, struct blob *state)
{
	struct acpi_pm *pm = calloc(1, sizeof(*pm));

	if (pm) {
		device_init(&pm->dev, "acpi-pm", acpi_pm_destroy);
		pm->dev.save = acpi_pm_save;
		pm->m = m;
	}
	if (machine_attach_pio(m, pm ? &pm->dev : NULL, ACPI_PM1A_EVT_PORT,
			       NR_REGS, &acpi_pm_ops))
		return -1;
	if (state && acpi_pm_load(pm, state)) {
		fprintf(stderr, "hospes: the saved state of acpi-pm is malformed\n");
		return -1;
	}
	return 0;
}

int acpi_pm_attach(struct machine *m)
{
	return acpi_pm_restore(m, NULL);
}

const struct device_model acpi_pm_model = {
	.name = "acpi-pm",
	.restore = acpi_pm_restore,
};
