// SPDX-License-Identifier: GPL-2.0-only
/*
 * conbench: write bytes to the console through the PV console hypercall
 * or through the emulated 8250 UART, and report the guest time it took.
 * bench/pv_bench.c runs it both ways to compare the two paths.
 *
 *   conbench [bytes=65536] [via=pv|uart]
 *
 * The bytes are lines of 64 letters and a newline (the last byte is a
 * newline whatever the count), so the stream stays readable and the
 * report after it starts a line of its own:
 *
 *   conbench: via=pv bytes=65536 writes=16 elapsed_ns=N
 *
 * writes is the number of hypercalls or OUTs, elapsed_ns the guest clock
 * across the writes alone. bytes=0 writes nothing: the run is then the
 * boot and shutdown every run has, which the bench subtracts.
 */
#include "../arch.h"
#include "../console.h"
#include "../hypercall.h"
#include "../kernel.h"
#include "../string.h"
#include "../time.h"

#define COM1_THR	0x3f8		/* the UART's transmit register */
#define LINE_LEN	65		/* 64 letters and a newline */
#define MAX_BYTES	(64ull << 20)	/* minutes of UART output under TCG */

static char stream_byte(uint64_t i, uint64_t n)
{
	if (i == n - 1 || i % LINE_LEN == LINE_LEN - 1)
		return '\n';
	return (char)('a' + (i / LINE_LEN) % 26);
}

/*
 * HOSPES_PV_CONSOLE_MAX bytes a call, the most the ABI takes: the fewest
 * exits the PV console can do it in. printk() is not used, so that its
 * formatting and line buffering are not part of what is timed.
 */
static int write_pv(uint64_t n, uint64_t *writes)
{
	static char buf[HOSPES_PV_CONSOLE_MAX];
	uint64_t done = 0;

	while (done < n) {
		uint64_t len = n - done < sizeof(buf) ? n - done : sizeof(buf);
		long r;

		for (uint64_t i = 0; i < len; i++)
			buf[i] = stream_byte(done + i, n);
		r = hc_console_write(buf, len);
		(*writes)++;
		if (r <= 0) {
			printk("\nconbench: CONSOLE_WRITE returned %ld after %llu bytes\n",
			       r, (unsigned long long)done);
			return -1;
		}
		done += (uint64_t)r;
	}
	return 0;
}

/*
 * One OUT to THR per byte, without reading LSR first: hospes's UART sends
 * every byte at once (its transmitter is always empty), so polling LSR
 * would only add an IN exit per byte. A driver that polls, as Linux's
 * does, takes twice these exits.
 */
static void write_uart(uint64_t n, uint64_t *writes)
{
	for (uint64_t i = 0; i < n; i++)
		outb(COM1_THR, (uint8_t)stream_byte(i, n));
	*writes = n;
}

int prog_conbench(const struct args *a)
{
	static const char *const keys[] = { "bytes", "via", NULL };
	uint64_t n, writes = 0, t0, t1;
	const char *via;
	bool uart;

	if (args_check(a, keys))
		return 2;
	n = arg_u64(a, "bytes", 65536);
	via = arg_str(a, "via", "pv");
	uart = !strcmp(via, "uart");
	if (!uart && strcmp(via, "pv")) {
		printk("conbench: via=%s: pv or uart\n", via);
		return 2;
	}
	if (n > MAX_BYTES) {
		printk("conbench: bytes must be 0..%llu\n", MAX_BYTES);
		return 2;
	}

	t0 = time_ns();
	if (uart)
		write_uart(n, &writes);
	else if (write_pv(n, &writes))
		return 1;
	t1 = time_ns();
	printk("conbench: via=%s bytes=%llu writes=%llu elapsed_ns=%llu\n", via,
	       (unsigned long long)n, (unsigned long long)writes,
	       (unsigned long long)(t1 - t0));
	return 0;
}
