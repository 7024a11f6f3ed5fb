// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: the buffered console. Interrupt handlers print too, so the
 * buffer is used with interrupts off; there is one vCPU.
 */
#include <stdarg.h>

#include "arch.h"
#include "console.h"
#include "hypercall.h"
#include "string.h"

static char cbuf[HOSPES_PV_CONSOLE_MAX];
static size_t clen;
uint64_t console_writes, console_bytes;

static void write_out(size_t n)
{
	size_t done = 0;

	while (done < n) {
		long r = hc_console_write(cbuf + done, n - done);

		console_writes++;
		if (r <= 0)
			break;	/* nowhere else to say it: drop the rest */
		done += (size_t)r;
	}
	console_bytes += done;
	memmove(cbuf, cbuf + n, clen - n);
	clen -= n;
}

static void console_put(char c, void *ctx)
{
	(void)ctx;
	if (clen == sizeof(cbuf))
		write_out(clen);
	cbuf[clen++] = c;
}

/* Write everything up to and including the last newline. */
static void flush_lines(void)
{
	size_t n = clen;

	while (n && cbuf[n - 1] != '\n')
		n--;
	if (n)
		write_out(n);
}

void printk(const char *fmt, ...)
{
	uint64_t flags = irq_save();
	va_list ap;

	va_start(ap, fmt);
	format(console_put, NULL, fmt, ap);
	va_end(ap);
	flush_lines();
	irq_restore(flags);
}

void console_break_line(void)
{
	uint64_t flags = irq_save();

	if (clen && cbuf[clen - 1] != '\n')
		printk("\n");
	irq_restore(flags);
}

void console_flush(void)
{
	uint64_t flags = irq_save();

	if (clen)
		write_out(clen);
	irq_restore(flags);
}
