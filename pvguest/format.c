// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: a small printf engine, shared by the console and snprintf.
 */
#include <stdbool.h>

#include "string.h"

struct spec {
	bool left;		/* '-' */
	bool zero;		/* '0' */
	int width;
	int precision;		/* -1: none */
};

struct out {
	format_put_t put;
	void *ctx;
	int count;
};

static void emit(struct out *o, char c)
{
	o->put(c, o->ctx);
	o->count++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

static void emit_str(struct out *o, const struct spec *sp, const char *s)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->precision < 0 || len < sp->precision))
		len++;
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		emit(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void emit_num(struct out *o, const struct spec *sp, uint64_t v,
		     unsigned int base, bool upper, bool negative,
		     const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (negative)
		plen = 1;
	else if (prefix)
		plen = (int)strlen(prefix);
	len = n + plen;

	if (!sp->left && !sp->zero)
		pad(o, ' ', sp->width - len);
	if (negative)
		emit(o, '-');
	else if (prefix)
		for (const char *p = prefix; *p; p++)
			emit(o, *p);
	if (!sp->left && sp->zero)
		pad(o, '0', sp->width - len);
	while (n)
		emit(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

int format(format_put_t put, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { .put = put, .ctx = ctx };

	for (; *fmt; fmt++) {
		struct spec sp = { .precision = -1 };
		int size = 0;	/* 0 int, 1 long, 2 long long, 3 size_t */
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.precision = 0;
			if (*fmt == '*') {
				sp.precision = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.precision = sp.precision * 10 +
						       (*fmt++ - '0');
			}
		}
		if (*fmt == 'l') {
			size = 1;
			if (*++fmt == 'l') {
				size = 2;
				fmt++;
			}
		} else if (*fmt == 'z') {
			size = 3;
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i':
			if (size == 0)
				s = va_arg(ap, int);
			else if (size == 1)
				s = va_arg(ap, long);
			else if (size == 2)
				s = va_arg(ap, long long);
			else
				s = (int64_t)va_arg(ap, size_t);
			u = s < 0 ? -(uint64_t)s : (uint64_t)s;
			emit_num(&o, &sp, u, 10, false, s < 0, NULL);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (size == 0)
				u = va_arg(ap, unsigned int);
			else if (size == 1)
				u = va_arg(ap, unsigned long);
			else if (size == 2)
				u = va_arg(ap, unsigned long long);
			else
				u = va_arg(ap, size_t);
			emit_num(&o, &sp, u, *fmt == 'u' ? 10 : 16,
				 *fmt == 'X', false, NULL);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			emit_num(&o, &sp, u, 16, false, false, "0x");
			break;
		case 's':
			emit_str(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };

			sp.precision = 1;
			emit_str(&o, &sp, c);
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		case '\0':
			fmt--;	/* a lone '%' at the end: stop at the NUL */
			break;
		default:	/* unknown: show it as written */
			emit(&o, '%');
			emit(&o, *fmt);
			break;
		}
	}
	return o.count;
}

struct sbuf {
	char *buf;
	size_t size;
	size_t len;
};

static void sbuf_put(char c, void *ctx)
{
	struct sbuf *b = ctx;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf b = { .buf = buf, .size = size };
	int n = format(sbuf_put, &b, fmt, ap);

	if (size)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
