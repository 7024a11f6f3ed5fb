/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: the console. printk() formats into a buffer that goes to the
 * host with CONSOLE_WRITE in whole lines: one hypercall per printk that
 * ends a line (however many lines it holds), or per full buffer, never one
 * per character. A line without its newline stays buffered until one
 * comes or console_flush().
 */
#ifndef PVGUEST_CONSOLE_H
#define PVGUEST_CONSOLE_H

#include <stdint.h>

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_flush(void);
/* End a line left unfinished, so that what follows starts a new one. */
void console_break_line(void);

/* Hypercalls made and bytes written, for the curious. */
extern uint64_t console_writes, console_bytes;

#endif /* PVGUEST_CONSOLE_H */
