// SPDX-License-Identifier: GPL-2.0-only
/*
 * How a Linux machine's guest resets it (devices/pc.h): the ACPI reset
 * register and the 8042's pulse-reset command stop the machine as a
 * reboot (status 0, rebooting set, for `hospes run` to build it again);
 * other 8042 commands and ACPI writes do not; S5 is a poweroff, not a
 * reboot. A rebooted machine is built again from nothing but its
 * console.
 */
#include <unistd.h>

#include "devices/pc.h"
#include "machine.h"

#include "kselftest_harness.h"

FIXTURE(reset) {
	struct vm_config cfg;
	struct machine m;
};

FIXTURE_SETUP(reset)
{
	/* machine_stop() signals the process: only sigwait() may take it. */
	machine_block_signals();
	self->cfg = (struct vm_config){ .linux_boot = true, .nr_vcpus = 1 };
	machine_init(&self->m, &self->cfg);
	ASSERT_EQ(0, acpi_pm_attach(&self->m));
	ASSERT_EQ(0, i8042_attach(&self->m));
}

FIXTURE_TEARDOWN(reset)
{
	machine_destroy(&self->m);
}

static void pio_write(struct machine *m, uint16_t port, unsigned int size,
		      uint64_t value)
{
	bus_write(&m->bus, BUS_PIO, port, size, value);
}

TEST_F(reset, the_8042_pulse_reset_command_reboots)
{
	/* Ready for a command (input buffer empty), nothing to read. */
	EXPECT_EQ(0u, bus_read(&self->m.bus, BUS_PIO, I8042_COMMAND_PORT, 1));
	/* Read/write output port, pulse other lines: no reset. */
	pio_write(&self->m, I8042_COMMAND_PORT, 1, 0xd1);
	pio_write(&self->m, I8042_COMMAND_PORT, 1, 0xff);
	pio_write(&self->m, I8042_COMMAND_PORT, 1, 0xfd);
	pio_write(&self->m, I8042_COMMAND_PORT, 1, 0xe0);
	EXPECT_FALSE(machine_stopping(&self->m));
	pio_write(&self->m, I8042_COMMAND_PORT, 1, 0xfe);
	EXPECT_TRUE(machine_stopping(&self->m));
	EXPECT_TRUE(self->m.rebooting);
	EXPECT_EQ(0, self->m.exit_status);
}

TEST_F(reset, the_acpi_reset_register_reboots)
{
	pio_write(&self->m, ACPI_RESET_PORT, 1, ACPI_RESET_VALUE + 1);
	EXPECT_FALSE(machine_stopping(&self->m));
	pio_write(&self->m, ACPI_RESET_PORT, 1, ACPI_RESET_VALUE);
	EXPECT_TRUE(machine_stopping(&self->m));
	EXPECT_TRUE(self->m.rebooting);
	EXPECT_EQ(0, self->m.exit_status);
}

TEST_F(reset, s5_powers_off_and_the_first_reason_wins)
{
	/* SLP_EN with \_S5's sleep type. */
	pio_write(&self->m, ACPI_PM1A_CNT_PORT, 2,
		  0x2000 | ACPI_S5_SLEEP_TYPE << 10);
	EXPECT_TRUE(machine_stopping(&self->m));
	EXPECT_FALSE(self->m.rebooting);
	/* A reset after the poweroff does not make it a reboot. */
	pio_write(&self->m, I8042_COMMAND_PORT, 1, 0xfe);
	EXPECT_FALSE(self->m.rebooting);
	EXPECT_EQ(0, self->m.exit_status);
}

TEST_F(reset, a_restart_keeps_only_the_console)
{
	int fds[2];

	ASSERT_EQ(0, pipe(fds));
	console_init_fds(&self->m.console, fds[0], fds[1], true);
	self->m.console_open = true;
	pio_write(&self->m, ACPI_RESET_PORT, 1, ACPI_RESET_VALUE);
	ASSERT_TRUE(self->m.rebooting);
	machine_restart(&self->m);
	EXPECT_FALSE(machine_stopping(&self->m));
	EXPECT_FALSE(self->m.rebooting);
	EXPECT_EQ(NULL, self->m.devices);
	EXPECT_EQ(&self->cfg, self->m.cfg);
	/* The same console, writable again, and not opened anew. */
	EXPECT_TRUE(self->m.console_open);
	EXPECT_EQ(fds[1], self->m.console.out_fd);
	EXPECT_FALSE(atomic_load(&self->m.console.stopping));
	EXPECT_EQ(0, machine_open_console(&self->m));
	EXPECT_EQ(fds[0], self->m.console.in_fd);
	console_write(&self->m.console, "x", 1);
	/* The next machine's devices attach as the first one's did. */
	EXPECT_EQ(0, i8042_attach(&self->m));
	pio_write(&self->m, I8042_COMMAND_PORT, 1, 0xfe);
	EXPECT_TRUE(self->m.rebooting);
}

TEST_HARNESS_MAIN
