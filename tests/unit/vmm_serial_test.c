// SPDX-License-Identifier: GPL-2.0-only
/* The 8250 UART's registers, driven through the bus as a guest would. */
#include <fcntl.h>
#include <unistd.h>

#include "bus.h"
#include "console.h"
#include "devices/devices.h"

#include "kselftest_harness.h"

#define BASE	COM1_PORT
#define THR	(BASE + 0)
#define RBR	(BASE + 0)
#define DLL	(BASE + 0)
#define IER	(BASE + 1)
#define DLM	(BASE + 1)
#define IIR	(BASE + 2)
#define FCR	(BASE + 2)
#define LCR	(BASE + 3)
#define MCR	(BASE + 4)
#define LSR	(BASE + 5)
#define MSR	(BASE + 6)
#define SCR	(BASE + 7)

FIXTURE(uart) {
	int in[2], out[2];	/* console input and output pipes */
	struct console con;
	struct bus bus;
	struct device *dev;
};

FIXTURE_SETUP(uart)
{
	ASSERT_EQ(0, pipe2(self->in, O_NONBLOCK));
	ASSERT_EQ(0, pipe2(self->out, O_NONBLOCK));
	console_init_fds(&self->con, self->in[0], self->out[1], false);
	memset(&self->bus, 0, sizeof(self->bus));
	self->dev = serial8250_create(&self->con);
	ASSERT_NE(NULL, self->dev);
	ASSERT_EQ(0, bus_add_range(&self->bus, BUS_PIO, BASE, SERIAL8250_NR_REGS,
				   &serial8250_ops, self->dev));
}

FIXTURE_TEARDOWN(uart)
{
	self->dev->destroy(self->dev);
	bus_free(&self->bus);
	console_close(&self->con);
	close(self->in[0]);
	close(self->in[1]);
	close(self->out[0]);
	close(self->out[1]);
}

static uint8_t in8(struct _test_data_uart *self, uint16_t port)
{
	return bus_read(&self->bus, BUS_PIO, port, 1);
}

static void out8(struct _test_data_uart *self, uint16_t port, uint8_t v)
{
	bus_write(&self->bus, BUS_PIO, port, 1, v);
}

/* What reached the console so far, as a string. */
static const char *output(struct _test_data_uart *self)
{
	static char buf[256];
	ssize_t n = read(self->out[0], buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

TEST_F(uart, reset_state_is_quiet_and_ready_to_send)
{
	EXPECT_EQ(0x00, in8(self, IER));
	EXPECT_EQ(0x01, in8(self, IIR));	/* no interrupt, no FIFOs */
	EXPECT_EQ(0x00, in8(self, LCR));
	EXPECT_EQ(0x00, in8(self, MCR));
	EXPECT_EQ(0x60, in8(self, LSR));	/* THRE | TEMT, no data */
	EXPECT_EQ(0xb0, in8(self, MSR));	/* DCD | DSR | CTS */
}

TEST_F(uart, thr_writes_reach_the_console)
{
	const char *msg = "hello, 8250\n";
	const char *p;

	for (p = msg; *p; p++) {
		EXPECT_EQ(0x20, in8(self, LSR) & 0x20);
		out8(self, THR, *p);
	}
	EXPECT_STREQ(msg, output(self));
}

TEST_F(uart, dlab_switches_to_the_divisor_latch)
{
	out8(self, IER, 0x05);
	out8(self, LCR, 0x83);		/* DLAB, 8N1 */
	out8(self, DLL, 0x01);		/* 115200 baud */
	out8(self, DLM, 0x00);
	EXPECT_EQ(0x01, in8(self, DLL));
	EXPECT_EQ(0x00, in8(self, DLM));
	EXPECT_STREQ("", output(self));		/* not a transmit */
	out8(self, LCR, 0x03);
	EXPECT_EQ(0x05, in8(self, IER));	/* IER was kept aside */
	EXPECT_EQ(0x03, in8(self, LCR));
	out8(self, LCR, 0x83);
	EXPECT_EQ(0x01, in8(self, DLL));
}

TEST_F(uart, a_16_bit_access_reaches_two_registers)
{
	out8(self, LCR, 0x80);
	bus_write(&self->bus, BUS_PIO, DLL, 2, 0x0180);
	EXPECT_EQ(0x80, in8(self, DLL));
	EXPECT_EQ(0x01, in8(self, DLM));
	EXPECT_EQ(0x0180u, bus_read(&self->bus, BUS_PIO, DLL, 2));
}

TEST_F(uart, ier_keeps_its_four_bits)
{
	out8(self, IER, 0xff);
	EXPECT_EQ(0x0f, in8(self, IER));
}

TEST_F(uart, scratch_holds_a_byte)
{
	out8(self, SCR, 0xa5);
	EXPECT_EQ(0xa5, in8(self, SCR));
	out8(self, SCR, 0x5a);
	EXPECT_EQ(0x5a, in8(self, SCR));
}

TEST_F(uart, fifo_enable_shows_in_iir)
{
	out8(self, FCR, 0x07);
	EXPECT_EQ(0xc1, in8(self, IIR));
	out8(self, FCR, 0x00);
	EXPECT_EQ(0x01, in8(self, IIR));
}

TEST_F(uart, thr_empty_interrupt_is_identified_and_acknowledged)
{
	out8(self, IER, 0x02);
	EXPECT_EQ(0x02, in8(self, IIR));
	EXPECT_EQ(0x01, in8(self, IIR));	/* reading IIR cleared it */
	out8(self, THR, 'x');
	EXPECT_EQ(0x02, in8(self, IIR));	/* empty again at once */
	out8(self, IER, 0x00);
	out8(self, THR, 'y');
	EXPECT_EQ(0x01, in8(self, IIR));	/* masked */
	EXPECT_STREQ("xy", output(self));
}

TEST_F(uart, console_input_arrives_in_rbr)
{
	EXPECT_EQ(0, in8(self, LSR) & 0x01);
	ASSERT_EQ(2, write(self->in[1], "ok", 2));
	out8(self, FCR, 0x01);
	EXPECT_EQ(0x61, in8(self, LSR));	/* data ready */
	out8(self, IER, 0x01);
	EXPECT_EQ(0xc4, in8(self, IIR));	/* received data available */
	EXPECT_EQ('o', in8(self, RBR));
	EXPECT_EQ('k', in8(self, RBR));
	EXPECT_EQ(0x60, in8(self, LSR));
	EXPECT_EQ(0xc1, in8(self, IIR));
}

TEST_F(uart, without_fifo_the_receiver_holds_one_byte)
{
	ASSERT_EQ(3, write(self->in[1], "abc", 3));
	EXPECT_EQ(0x61, in8(self, LSR));
	EXPECT_EQ('a', in8(self, RBR));
	EXPECT_EQ('b', in8(self, RBR));		/* the next one, not lost */
	EXPECT_EQ('c', in8(self, RBR));
	EXPECT_EQ(0x60, in8(self, LSR));
}

TEST_F(uart, loopback_returns_thr_to_rbr_and_mcr_to_msr)
{
	out8(self, FCR, 0x01);
	out8(self, MCR, 0x10);			/* loopback, all outputs low */
	EXPECT_EQ(0x00, in8(self, MSR) & 0xf0);
	out8(self, MCR, 0x1f);			/* DTR RTS OUT1 OUT2 */
	/* As Linux's autoconfig probes it: CTS DSR RI DCD, with deltas. */
	EXPECT_EQ(0xfb, in8(self, MSR));
	EXPECT_EQ(0xf0, in8(self, MSR));	/* deltas cleared by reading */
	out8(self, MCR, 0x1a);			/* RTS OUT2; RI falls */
	EXPECT_EQ(0x90 | 0x04 | 0x02, in8(self, MSR));
	out8(self, THR, 'L');
	EXPECT_STREQ("", output(self));		/* not on the line */
	EXPECT_EQ(0x61, in8(self, LSR));
	EXPECT_EQ('L', in8(self, RBR));
	out8(self, MCR, 0x00);
	EXPECT_EQ(0xb0, in8(self, MSR) & 0xf0);
}

TEST_F(uart, loopback_overrun_sets_oe_until_lsr_is_read)
{
	out8(self, MCR, 0x10);
	out8(self, THR, '1');
	out8(self, THR, '2');			/* no FIFO: overrun */
	EXPECT_EQ(0x63, in8(self, LSR));
	EXPECT_EQ(0x61, in8(self, LSR));
	out8(self, IER, 0x04);
	out8(self, THR, '3');
	EXPECT_EQ(0x06, in8(self, IIR));	/* line status, top priority */
	EXPECT_EQ('1', in8(self, RBR));
}

TEST_F(uart, lsr_and_msr_ignore_writes)
{
	out8(self, LSR, 0x00);
	out8(self, MSR, 0x00);
	EXPECT_EQ(0x60, in8(self, LSR));
	EXPECT_EQ(0xb0, in8(self, MSR));
}

TEST_HARNESS_MAIN
