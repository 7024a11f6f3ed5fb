/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest side of the bench, assembled into both VMM programs so that
 * both hypervisors run the very same bytes.
 *
 * It runs in 32-bit flat protected mode without paging, interrupts off,
 * copied to BENCH_CODE_GPA. Only relative jumps: the bytes do not care
 * where they sit. Each entry point first does one OUT to
 * BENCH_PORT_START, so the first entry's costs (loading the MMU, mapping
 * the code page) fall before the host starts its clock, then runs its
 * loop and stops with HLT.
 *
 * It sits in .rodata: the host copies it and never executes it.
 */
#include "bench.h"

	.section .rodata.bench_guest, "a"
	.code32

	.globl guest_begin, guest_end, guest_pio, guest_cpuid, guest_touch
	.globl guest_vmmcall, guest_dirty

guest_begin:

/* ECX iterations of an OUT the VMM must see in userspace. */
guest_pio:
	outb	%al, $BENCH_PORT_START
1:	outb	%al, $BENCH_PORT_LOOP
	decl	%ecx
	jnz	1b
	hlt

/*
 * ECX iterations of CPUID leaf 0, which the hypervisor answers in the
 * kernel. The loop counter is in ESI since CPUID takes ECX as subleaf;
 * EBX is left holding the vendor's first four letters for the host to
 * check that the table was there.
 */
guest_cpuid:
	outb	%al, $BENCH_PORT_START
	movl	%ecx, %esi
1:	xorl	%eax, %eax
	xorl	%ecx, %ecx
	cpuid
	decl	%esi
	jnz	1b
	hlt

/*
 * Write one byte to each of ECX 4 KiB pages from EDI on: with fresh
 * memory behind them, every write is a nested page fault.
 */
guest_touch:
	outb	%al, $BENCH_PORT_START
1:	movb	$1, (%edi)
	addl	$BENCH_PAGE_SIZE, %edi
	decl	%ecx
	jnz	1b
	hlt

/*
 * ECX iterations of VMMCALL with hypercall number EDI; EAX is left holding
 * the last result for the host to check. The loop counter is in ESI, as
 * for CPUID. KVM reads the arguments of a hypercall from EBX, ECX, EDX
 * and ESI and checks those of KVM_HC_MAP_GPA_RANGE before passing it on
 * (a page-aligned GPA in EBX, a page count not 0 in ECX, attributes in
 * EDX): GPA 0, one 4 KiB page, no attributes pass. hospes reads RDI, RSI,
 * RDX, R10 and R8, and checks nothing for the VMM's numbers nor for the
 * unknown one.
 */
guest_vmmcall:
	outb	%al, $BENCH_PORT_START
	movl	%ecx, %esi
	xorl	%ebx, %ebx
	movl	$1, %ecx
	xorl	%edx, %edx
1:	movl	%edi, %eax
	vmmcall
	decl	%esi
	jnz	1b
	hlt

/*
 * The dirty-log rows: write one byte to each of ECX 4 KiB pages from EDI
 * on, say so with an OUT to BENCH_PORT_PASS, and again, for as long as
 * the host resumes the guest. After the host has fetched (and so
 * re-armed) the log, each write of the next pass faults on a
 * write-protected page again.
 */
guest_dirty:
	outb	%al, $BENCH_PORT_START
	movl	%ecx, %ebx
2:	movl	%edi, %edx
	movl	%ebx, %ecx
1:	movb	$1, (%edx)
	addl	$BENCH_PAGE_SIZE, %edx
	decl	%ecx
	jnz	1b
	outb	%al, $BENCH_PORT_PASS
	jmp	2b

guest_end:

	/* No executable stack for the host program because of this file. */
	.section .note.GNU-stack, "", @progbits
