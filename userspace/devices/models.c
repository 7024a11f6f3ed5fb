// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "devices.h"
#include "util.h"

/* Each model looks at the configuration to see if it is wanted. */
const struct device_model *const device_models[] = {
	&serial8250_model,
	&blkring_model,
};

const unsigned int nr_device_models = ARRAY_LEN(device_models);

const struct device_model *const restore_models[] = {
	&cmos_rtc_model,
	&acpi_pm_model,
	&pvpanic_model,
	&i8042_model,
	&virtio_blk_model,
	&virtio_console_model,
	&virtio_net_model,
};

const unsigned int nr_restore_models = ARRAY_LEN(restore_models);

const struct device_model *device_model_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_device_models; i++)
		if (!strcmp(device_models[i]->name, name))
			return device_models[i];
	for (i = 0; i < nr_restore_models; i++)
		if (!strcmp(restore_models[i]->name, name))
			return restore_models[i];
	return NULL;
}
