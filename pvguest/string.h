/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the string functions, ours (no libc), and the formatter. */
#ifndef PVGUEST_STRING_H
#define PVGUEST_STRING_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/*
 * Number parsing: decimal, or hex with 0x. Returns 0 and sets *val, or -1
 * if s is not wholly a number that fits in 64 bits.
 */
int parse_u64(const char *s, uint64_t *val);

/*
 * The printf engine: %s %c %d %i %u %x %X %p %%, length modifiers l, ll,
 * z, flags '-' and '0', a width (or *), and a precision for %s.
 * Each character goes to put(c, ctx). Returns the number of characters.
 */
typedef void (*format_put_t)(char c, void *ctx);
int format(format_put_t put, void *ctx, const char *fmt, va_list ap);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* PVGUEST_STRING_H */
