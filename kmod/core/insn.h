/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A deliberately small x86 instruction decoder. It knows just the
 * instructions hospes intercepts (to learn their length when the CPU
 * does not report next-RIP) and the MOV forms a guest uses for MMIO (to
 * emulate the access). Everything else is refused rather than guessed.
 *
 * It is plain C with no kernel dependency so that the host unit tests
 * can build this very file in userspace.
 */
#ifndef HOSPES_INSN_H
#define HOSPES_INSN_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <errno.h>
#include <string.h>

/*
 * The kernel's own definitions (int-ll64): u64 is unsigned long long in
 * both builds, not uint64_t's unsigned long, so the code means the same.
 */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
#endif

/* The longest instruction the CPU accepts, prefixes included. */
#define HOSPES_INSN_MAX_LEN	15

/*
 * What the decoded instruction does, as far as emulation cares. The MOV
 * kinds are reported only when the instruction really addresses memory
 * (ModRM.mod != 3, or a moffs form): a register-to-register MOV can
 * never be the cause of an MMIO exit, so it decodes as OTHER.
 */
enum hospes_insn_op {
	HOSPES_INSN_OTHER = 0,		/* decoded length only */
	HOSPES_INSN_MOV_LOAD,		/* reg <- mem (8A, 8B, A0, A1) */
	HOSPES_INSN_MOV_STORE,		/* mem <- reg (88, 89, A2, A3) */
	HOSPES_INSN_MOV_STORE_IMM,	/* mem <- imm (C6 /0, C7 /0) */
	HOSPES_INSN_MOVZX,		/* reg <- zero-extended mem (0F B6/B7) */
	HOSPES_INSN_MOVSX,		/* reg <- sign-extended mem (0F BE/BF, 63) */
};

/*
 * Default operand and address size of the code segment, in bytes:
 * CS.L=1 gives 64, else CS.D=1 gives 32, else 16.
 */
enum hospes_cpu_mode {
	HOSPES_MODE_16 = 2,
	HOSPES_MODE_32 = 4,
	HOSPES_MODE_64 = 8,
};

struct hospes_insn {
	u8 len;			/* total bytes, prefixes included */
	u8 op;			/* enum hospes_insn_op */
	u8 opcode;		/* primary opcode byte (after 0F if two-byte) */
	bool two_byte;		/* 0F escape */
	u8 op_size;		/* operand size in bytes: 1, 2, 4 or 8 */
	u8 mem_size;		/* bytes accessed in memory, 0 if none */
	u8 reg;			/* ModRM.reg + REX.R: GPR, or CR for 0F 20/22 */
	bool high_byte;		/* 8-bit reg is AH/CH/DH/BH (no REX, reg 4..7) */
	bool rep;		/* F3 or F2 prefix present */
	u8 seg_override;	/* 0, or the effective segment prefix byte */
	u64 imm;		/* C6/C7: sign-extended to op_size; E4-E7: port */
};

/*
 * Decode one instruction from bytes[0..avail). Returns 0 and fills
 * *insn, -EINVAL if the bytes are truncated, longer than 15 bytes or mode
 * is not one of enum hospes_cpu_mode, or -EOPNOTSUPP for an opcode
 * outside the supported set (decided as soon as the opcode is read). On
 * error *insn holds no decoding: its len is 0.
 */
int hospes_insn_decode(const u8 *bytes, unsigned int avail,
		       enum hospes_cpu_mode mode, struct hospes_insn *insn);

#endif /* HOSPES_INSN_H */
