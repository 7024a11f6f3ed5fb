// SPDX-License-Identifier: GPL-2.0-only
/*
 * Code of the test binary that runs in guests: exception entry, the landing
 * place of a returning guest function, segment reload, and string functions
 * that are safe there.
 *
 * glibc's static memcpy and friends are selected at startup for the host
 * CPU and may use AVX, which a guest without XSAVE enabled cannot execute.
 * Defining them here replaces them for the whole binary (the linker takes
 * these before looking in libc.a); -fno-tree-loop-distribute-patterns
 * keeps the compiler from turning their loops back into calls to
 * themselves.
 */
#include <stddef.h>
#include <stdint.h>

#include "hospes_util.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

/* Set by the host in the guest's copy (hvm_install_handler()). */
hvm_handler_t hospes_guest_handlers[256];

void hospes_guest_exception(struct hvm_ex_frame *frame);
void hospes_guest_exception(struct hvm_ex_frame *frame)
{
	hvm_handler_t handler = hospes_guest_handlers[frame->vector & 255];

	if (handler) {
		handler(frame);
		return;
	}
	for (;;)
		ucall(UCALL_UNHANDLED, 3, frame->vector, frame->error_code,
		      frame->rip);
}

void hospes_guest_returned(void);
void __attribute__((noreturn)) hospes_guest_returned(void)
{
	for (;;)
		GUEST_DONE();
}

/*
 * 256 entry stubs, 16 bytes apart: each pushes a dummy error code where
 * the CPU pushes none, then the vector, and joins the common path, which
 * saves the registers in the layout of struct hvm_ex_frame.
 */
asm(
"	.pushsection .text\n"
"	.globl hospes_guest_idt_stubs\n"
"	.balign 16\n"
"hospes_guest_idt_stubs:\n"
"	vector = 0\n"
"	.rept 256\n"
"	.balign 16\n"
"	.if (vector == 8) || ((vector >= 10) && (vector <= 14)) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)\n"
"	.else\n"
"	pushq $0\n"
"	.endif\n"
"	pushq $vector\n"
"	jmp hospes_guest_idt_common\n"
"	vector = vector + 1\n"
"	.endr\n"
"hospes_guest_idt_common:\n"
"	pushq %r15\n"
"	pushq %r14\n"
"	pushq %r13\n"
"	pushq %r12\n"
"	pushq %r11\n"
"	pushq %r10\n"
"	pushq %r9\n"
"	pushq %r8\n"
"	pushq %rbp\n"
"	pushq %rdi\n"
"	pushq %rsi\n"
"	pushq %rdx\n"
"	pushq %rcx\n"
"	pushq %rbx\n"
"	pushq %rax\n"
"	movq %rsp, %rdi\n"
"	movq %rsp, %rbx\n"
"	andq $-16, %rsp\n"
"	cld\n"
"	call hospes_guest_exception\n"
"	movq %rbx, %rsp\n"
"	popq %rax\n"
"	popq %rbx\n"
"	popq %rcx\n"
"	popq %rdx\n"
"	popq %rsi\n"
"	popq %rdi\n"
"	popq %rbp\n"
"	popq %r8\n"
"	popq %r9\n"
"	popq %r10\n"
"	popq %r11\n"
"	popq %r12\n"
"	popq %r13\n"
"	popq %r14\n"
"	popq %r15\n"
"	addq $16, %rsp\n"
"	iretq\n"
"\n"
/* Where a guest function returns to: realign the stack, report DONE. */
"	.globl hospes_guest_return\n"
"hospes_guest_return:\n"
"	andq $-16, %rsp\n"
"	call hospes_guest_returned\n"
"	ud2\n"
"\n"
/* Reload every segment register from the library's GDT. */
"	.globl guest_reload_segments\n"
"guest_reload_segments:\n"
"	movl $0x10, %eax\n"	/* HVM_SEL_DATA */
"	movl %eax, %ds\n"
"	movl %eax, %es\n"
"	movl %eax, %fs\n"
"	movl %eax, %gs\n"
"	movl %eax, %ss\n"
"	popq %rax\n"		/* the return address */
"	pushq $0x08\n"		/* HVM_SEL_CODE64 */
"	pushq %rax\n"
"	lretq\n"
"	.popsection\n"
);
