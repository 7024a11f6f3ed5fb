// SPDX-License-Identifier: GPL-2.0-only
/*
 * An 8250-family UART (16550A register set) whose line is the console.
 * Transmission is instant: the transmitter is always empty and every byte
 * written to THR is on the console before the OUT completes. Interrupt
 * identification (IIR) follows the chip's priorities. In a machine with
 * an in-kernel I/O APIC the interrupt output drives COM1_GSI (high while
 * IIR shows an interrupt, so an edge-triggered pin sees each new one), and
 * a thread watches the console so that typed input raises it; otherwise
 * guests poll LSR.
 */
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blob.h"
#include "console.h"
#include "devices.h"
#include "machine.h"

/* Register offsets; with LCR.DLAB set, 0 and 1 are the divisor latch. */
enum {
	REG_RBR_THR_DLL	= 0,
	REG_IER_DLM	= 1,
	REG_IIR_FCR	= 2,
	REG_LCR		= 3,
	REG_MCR		= 4,
	REG_LSR		= 5,
	REG_MSR		= 6,
	REG_SCR		= 7,
};

#define IER_RDI		0x01	/* received data available */
#define IER_THRI	0x02	/* transmitter holding register empty */
#define IER_RLSI	0x04	/* receiver line status */
#define IER_MSI		0x08	/* modem status */
#define IER_MASK	0x0f

#define IIR_NO_INT	0x01
#define IIR_MSI		0x00
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_RLSI	0x06
#define IIR_FIFOS_ON	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f

#define LSR_DR		0x01
#define LSR_OE		0x02
#define LSR_BI		0x10
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define LSR_ERRORS	0x1e	/* OE, PE, FE, BI: cleared by reading LSR */

#define MSR_DCTS	0x01
#define MSR_DDSR	0x02
#define MSR_TERI	0x04
#define MSR_DDCD	0x08
#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

#define RX_FIFO_SIZE	16
/* How long the input watcher sleeps while the receiver is full. */
#define RX_FULL_WAIT_MS	10
/* How often it looks whether the machine is going away. */
#define RX_POLL_MS	100

struct serial8250 {
	struct device dev;
	struct console *con;
	uint8_t ier, fcr, lcr, mcr, scr;
	uint8_t dll, dlm;
	uint8_t lsr_errors;	/* sticky until LSR is read */
	uint8_t msr_deltas;	/* sticky until MSR is read */
	bool thri_pending;	/* THR-empty interrupt condition */
	uint8_t rx[RX_FIFO_SIZE];
	unsigned int rx_head, rx_count;
	/* The interrupt line: gsi < 0 when nothing is wired. */
	struct machine *m;
	int gsi;
	bool irq_level;
	bool deaf;		/* the console's input is another device's */
	pthread_t rx_watcher;
	bool rx_watching;
	atomic_bool rx_stop;
};

static struct serial8250 *to_uart(struct device *dev)
{
	return (struct serial8250 *)dev;
}

/* Without FIFOs the chip holds a single received byte. */
static unsigned int rx_capacity(const struct serial8250 *u)
{
	return (u->fcr & FCR_ENABLE) ? RX_FIFO_SIZE : 1;
}

static void rx_push(struct serial8250 *u, uint8_t byte)
{
	if (u->rx_count == rx_capacity(u)) {
		u->lsr_errors |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count++) % RX_FIFO_SIZE] = byte;
}

/* Take what the console has typed, as far as the receiver has room. */
static void rx_fill(struct serial8250 *u)
{
	uint8_t byte;

	if ((u->mcr & MCR_LOOP) || u->deaf)	/* the line is disconnected */
		return;
	while (u->rx_count < rx_capacity(u) && console_read(u->con, &byte))
		rx_push(u, byte);
}

static uint8_t rx_pop(struct serial8250 *u)
{
	uint8_t byte;

	rx_fill(u);
	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % RX_FIFO_SIZE;
	u->rx_count--;
	return byte;
}

/* In loopback the modem outputs come back as the modem inputs. */
static uint8_t msr_lines(const struct serial8250 *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	return (m & MCR_RTS ? MSR_CTS : 0) | (m & MCR_DTR ? MSR_DSR : 0) |
	       (m & MCR_OUT1 ? MSR_RI : 0) | (m & MCR_OUT2 ? MSR_DCD : 0);
}

/* Does the chip signal an interrupt? IIR without reading it. */
static bool interrupt_pending(const struct serial8250 *u)
{
	return ((u->ier & IER_RLSI) && u->lsr_errors) ||
	       ((u->ier & IER_RDI) && u->rx_count) ||
	       ((u->ier & IER_THRI) && u->thri_pending) ||
	       ((u->ier & IER_MSI) && u->msr_deltas);
}

/* Drive the line to the chip's interrupt output, if it changed. */
static void update_irq(struct serial8250 *u)
{
	bool level;

	if (u->gsi < 0)
		return;
	level = interrupt_pending(u);
	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (vm_irq_line(&u->m->vm, u->gsi, level))
		fprintf(stderr, "hospes: serial8250: interrupt pin %d: %m\n",
			u->gsi);
}

static uint8_t iir(struct serial8250 *u)
{
	uint8_t fifos = (u->fcr & FCR_ENABLE) ? IIR_FIFOS_ON : 0;

	if ((u->ier & IER_RLSI) && u->lsr_errors)
		return fifos | IIR_RLSI;
	if ((u->ier & IER_RDI) && u->rx_count)
		return fifos | IIR_RDI;
	if ((u->ier & IER_THRI) && u->thri_pending) {
		/* Reading IIR acknowledges the THR-empty interrupt. */
		u->thri_pending = false;
		return fifos | IIR_THRI;
	}
	if ((u->ier & IER_MSI) && u->msr_deltas)
		return fifos | IIR_MSI;
	return fifos | IIR_NO_INT;
}

static uint8_t read_reg(struct serial8250 *u, unsigned int reg)
{
	uint8_t v;

	switch (reg) {
	case REG_RBR_THR_DLL:
		return (u->lcr & LCR_DLAB) ? u->dll : rx_pop(u);
	case REG_IER_DLM:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR_FCR:
		rx_fill(u);
		return iir(u);
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		rx_fill(u);
		v = LSR_THRE | LSR_TEMT | u->lsr_errors |
		    (u->rx_count ? LSR_DR : 0);
		u->lsr_errors = 0;
		return v;
	case REG_MSR:
		v = msr_lines(u) | u->msr_deltas;
		u->msr_deltas = 0;
		return v;
	default:
		return u->scr;
	}
}

static void transmit(struct serial8250 *u, uint8_t byte)
{
	if (u->mcr & MCR_LOOP)
		rx_push(u, byte);
	else
		console_write(u->con, &byte, 1);
	/* Sent at once: the holding register is empty again. */
	u->thri_pending = true;
}

static void write_mcr(struct serial8250 *u, uint8_t v)
{
	uint8_t before = msr_lines(u), after, changed;

	u->mcr = v & MCR_MASK;
	after = msr_lines(u);
	changed = before ^ after;
	if (changed & MSR_CTS)
		u->msr_deltas |= MSR_DCTS;
	if (changed & MSR_DSR)
		u->msr_deltas |= MSR_DDSR;
	if (changed & MSR_DCD)
		u->msr_deltas |= MSR_DDCD;
	if ((before & MSR_RI) && !(after & MSR_RI))
		u->msr_deltas |= MSR_TERI;
}

static void write_fcr(struct serial8250 *u, uint8_t v)
{
	/* Switching the FIFOs on or off empties them, as does CLEAR_RX. */
	if ((v ^ u->fcr) & FCR_ENABLE || (v & FCR_CLEAR_RX))
		u->rx_count = 0;
	u->fcr = v & FCR_ENABLE;
}

static void write_reg(struct serial8250 *u, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case REG_RBR_THR_DLL:
		if (u->lcr & LCR_DLAB)
			u->dll = v;
		else
			transmit(u, v);
		break;
	case REG_IER_DLM:
		if (u->lcr & LCR_DLAB) {
			u->dlm = v;
			break;
		}
		/* Enabling THRI while THR is empty raises it at once. */
		if ((v & IER_THRI) && !(u->ier & IER_THRI))
			u->thri_pending = true;
		u->ier = v & IER_MASK;
		break;
	case REG_IIR_FCR:
		write_fcr(u, v);
		break;
	case REG_LCR:
		u->lcr = v;
		break;
	case REG_MCR:
		write_mcr(u, v);
		break;
	case REG_SCR:
		u->scr = v;
		break;
	default:		/* LSR and MSR are read-only */
		break;
	}
}

/* The registers are bytes; a wider access reaches consecutive ones. */
static uint64_t serial8250_read(struct device *dev, uint64_t offset,
				unsigned int size)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < size; i++)
		v |= (uint64_t)read_reg(to_uart(dev), offset + i) << (8 * i);
	update_irq(to_uart(dev));
	return v;
}

static void serial8250_write(struct device *dev, uint64_t offset,
			     unsigned int size, uint64_t value)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		write_reg(to_uart(dev), offset + i, value >> (8 * i));
	update_irq(to_uart(dev));
}

const struct bus_ops serial8250_ops = {
	.read = serial8250_read,
	.write = serial8250_write,
};

/*
 * Typed input must raise the interrupt without the guest asking: take it
 * into the receiver as it comes, while there is room.
 */
static void *rx_watch(void *arg)
{
	struct serial8250 *u = arg;
	int ready = 0;

	while (!atomic_load(&u->rx_stop) && ready >= 0) {
		bool full;

		ready = console_wait_input(u->con, RX_POLL_MS);
		if (ready <= 0)
			continue;
		pthread_mutex_lock(&u->dev.lock);
		rx_fill(u);
		update_irq(u);
		full = u->rx_count == rx_capacity(u) || (u->mcr & MCR_LOOP);
		pthread_mutex_unlock(&u->dev.lock);
		if (full)
			poll(NULL, 0, RX_FULL_WAIT_MS);
	}
	return NULL;
}

static void serial8250_destroy(struct device *dev)
{
	struct serial8250 *u = to_uart(dev);

	if (u->rx_watching) {
		atomic_store(&u->rx_stop, true);
		pthread_join(u->rx_watcher, NULL);
	}
	device_release(dev);
	free(u);
}

struct device *serial8250_create(struct console *con)
{
	struct serial8250 *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	device_init(&u->dev, "serial8250", serial8250_destroy);
	u->con = con;
	u->gsi = -1;
	atomic_init(&u->rx_stop, false);
	return &u->dev;
}

/* Wire the interrupt output to pin gsi and watch the console's input. */
static int connect_irq(struct serial8250 *u, struct machine *m, int gsi)
{
	int err;

	u->m = m;
	u->gsi = gsi;
	/* A virtio console takes the input instead: the line only writes. */
	if (m->cfg->virtio_console) {
		u->deaf = true;
		return 0;
	}
	err = pthread_create(&u->rx_watcher, NULL, rx_watch, u);
	if (err) {
		fprintf(stderr, "hospes: serial8250: cannot start its input thread: %s\n",
			strerror(err));
		return -1;
	}
	u->rx_watching = true;
	return 0;
}

/*
 * The registers, in a fixed order: ier fcr lcr mcr scr dll dlm lsr_errors
 * msr_deltas thri_pending rx_head rx_count, then the receive FIFO.
 */
static void serial8250_save(struct device *dev, struct blob *out)
{
	struct serial8250 *u = to_uart(dev);
	uint8_t regs[] = {
		u->ier, u->fcr, u->lcr, u->mcr, u->scr, u->dll, u->dlm,
		u->lsr_errors, u->msr_deltas, u->thri_pending, u->rx_head,
		u->rx_count,
	};

	blob_put(out, regs, sizeof(regs));
	blob_put(out, u->rx, sizeof(u->rx));
}

static int serial8250_load(struct serial8250 *u, struct blob *state)
{
	uint8_t regs[12];

	blob_get(state, regs, sizeof(regs));
	blob_get(state, u->rx, sizeof(u->rx));
	if (!blob_done(state) || regs[10] >= RX_FIFO_SIZE ||
	    regs[11] > RX_FIFO_SIZE)
		return -1;
	u->ier = regs[0];
	u->fcr = regs[1];
	u->lcr = regs[2];
	u->mcr = regs[3];
	u->scr = regs[4];
	u->dll = regs[5];
	u->dlm = regs[6];
	u->lsr_errors = regs[7];
	u->msr_deltas = regs[8];
	u->thri_pending = regs[9];
	u->rx_head = regs[10];
	u->rx_count = regs[11];
	/*
	 * The pin followed the chip's output when it was saved (and the
	 * I/O APIC's state has it so): it must go low when that does.
	 */
	u->irq_level = interrupt_pending(u);
	return 0;
}

/* COM1 on the machine's console; state: a saved UART's, or NULL. */
static int serial8250_attach(struct machine *m, struct blob *state)
{
	struct device *dev = serial8250_create(&m->console);
	int err;

	if (!dev) {
		fprintf(stderr, "hospes: out of memory\n");
		return -1;
	}
	dev->save = serial8250_save;
	machine_add_device(m, dev);
	if (state && serial8250_load(to_uart(dev), state)) {
		fprintf(stderr, "hospes: the saved state of %s is malformed\n",
			dev->name);
		return -1;
	}
	err = bus_add_range(&m->bus, BUS_PIO, COM1_PORT, SERIAL8250_NR_REGS,
			    &serial8250_ops, dev);
	if (err) {
		fprintf(stderr, "hospes: %s at %#x: %s\n", dev->name, COM1_PORT,
			strerror(-err));
		return -1;
	}
	return m->irqchip ? connect_irq(to_uart(dev), m, COM1_GSI) : 0;
}

static int serial8250_setup(struct machine *m)
{
	return serial8250_attach(m, NULL);
}

const struct device_model serial8250_model = {
	.name = "serial8250",
	.setup = serial8250_setup,
	.restore = serial8250_attach,
};
