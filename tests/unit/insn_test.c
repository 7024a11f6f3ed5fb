// SPDX-License-Identifier: GPL-2.0-only
/*
 * The instruction decoder sets the guest's RIP and emulates its MMIO:
 * a wrong length corrupts the guest, a wrong size or register corrupts
 * its data. Every expectation below was worked out by hand from the
 * Intel SDM / AMD APM encoding rules, not taken from another decoder.
 */
#include <stdlib.h>

#include "insn.h"

#include "kselftest_harness.h"

#define M16	HOSPES_MODE_16
#define M32	HOSPES_MODE_32
#define M64	HOSPES_MODE_64

#define OTHER	HOSPES_INSN_OTHER
#define LOAD	HOSPES_INSN_MOV_LOAD
#define STORE	HOSPES_INSN_MOV_STORE
#define IMM	HOSPES_INSN_MOV_STORE_IMM
#define ZX	HOSPES_INSN_MOVZX
#define SX	HOSPES_INSN_MOVSX

/* Room for more than the 15-byte limit, to test the limit itself. */
#define BUF_MAX	32

/* "8b 45 f8" -> { 0x8b, 0x45, 0xf8 }; returns the byte count. */
static unsigned int parse_hex(const char *hex, u8 *buf)
{
	unsigned int n = 0;
	char *end;

	for (;;) {
		unsigned long v = strtoul(hex, &end, 16);

		if (end == hex)
			break;
		if (n == BUF_MAX || v > 0xff)
			abort();	/* a typo in a test vector */
		buf[n++] = v;
		hex = end;
	}
	return n;
}

/* Decode exactly the given bytes: reading one byte too many fails. */
static int decode(enum hospes_cpu_mode mode, const char *hex,
		  struct hospes_insn *insn)
{
	u8 buf[BUF_MAX];
	unsigned int n = parse_hex(hex, buf);

	return hospes_insn_decode(buf, n, mode, insn);
}

/* One expected decoding; every field not named is expected to be 0. */
struct row {
	enum hospes_cpu_mode mode;
	const char *hex;
	u8 len;
	u8 op;
	u8 op_size;
	u8 mem_size;
	u8 reg;
	bool high_byte;
	bool rep;
	u8 seg;
	u64 imm;
};

#define ROW(m, h, l, o, sz, mem, r, ...)				\
	{ .mode = (m), .hex = (h), .len = (l), .op = (o), .op_size = (sz), \
	  .mem_size = (mem), .reg = (r), __VA_ARGS__ }

static void check_rows(struct __test_metadata *_metadata,
		       const struct row *rows, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		struct hospes_insn insn;
		int ret = decode(r->mode, r->hex, &insn);

		EXPECT_EQ(0, ret) TH_LOG("'%s' mode %d", r->hex, r->mode);
		if (ret)
			continue;
		EXPECT_EQ(r->len, insn.len) TH_LOG("'%s' len", r->hex);
		EXPECT_EQ(r->op, insn.op) TH_LOG("'%s' op", r->hex);
		EXPECT_EQ(r->op_size, insn.op_size)
			TH_LOG("'%s' op_size", r->hex);
		EXPECT_EQ(r->mem_size, insn.mem_size)
			TH_LOG("'%s' mem_size", r->hex);
		EXPECT_EQ(r->reg, insn.reg) TH_LOG("'%s' reg", r->hex);
		EXPECT_EQ(r->high_byte, insn.high_byte)
			TH_LOG("'%s' high_byte", r->hex);
		EXPECT_EQ(r->rep, insn.rep) TH_LOG("'%s' rep", r->hex);
		EXPECT_EQ(r->seg, insn.seg_override)
			TH_LOG("'%s' seg_override", r->hex);
		EXPECT_EQ(r->imm, insn.imm) TH_LOG("'%s' imm", r->hex);
	}
}

static void check_error(struct __test_metadata *_metadata,
			enum hospes_cpu_mode mode, const char *hex, int err)
{
	struct hospes_insn insn;

	EXPECT_EQ(err, decode(mode, hex, &insn))
		TH_LOG("'%s' mode %d", hex, mode);
}

TEST(mov_load_64)
{
	static const struct row rows[] = {
		/* mov eax, [rbp-8] */
		ROW(M64, "8b 45 f8", 3, LOAD, 4, 4, 0),
		/* mov rax, [rdi] */
		ROW(M64, "48 8b 07", 3, LOAD, 8, 8, 0),
		/* mov r15, [rdi] */
		ROW(M64, "4c 8b 3f", 3, LOAD, 8, 8, 15),
		/* mov ax, [rdi] */
		ROW(M64, "66 8b 07", 3, LOAD, 2, 2, 0),
		/* mov al, [rdi] */
		ROW(M64, "8a 07", 2, LOAD, 1, 1, 0),
		/* mov ecx, [rdx+0x12345678] */
		ROW(M64, "8b 8a 78 56 34 12", 6, LOAD, 4, 4, 1),
		/* mov eax, [rip+0x1000] */
		ROW(M64, "8b 05 00 10 00 00", 6, LOAD, 4, 4, 0),
		/* mov r9d, [rip-4] */
		ROW(M64, "44 8b 0d fc ff ff ff", 7, LOAD, 4, 4, 9),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(sib_forms_64)
{
	static const struct row rows[] = {
		/* mov eax, [rsp] */
		ROW(M64, "8b 04 24", 3, LOAD, 4, 4, 0),
		/* mov eax, [rsp+8] */
		ROW(M64, "8b 44 24 08", 4, LOAD, 4, 4, 0),
		/* mov eax, [rsp+0x100] */
		ROW(M64, "8b 84 24 00 01 00 00", 7, LOAD, 4, 4, 0),
		/* mov eax, [0x1000]: SIB without base or index */
		ROW(M64, "8b 04 25 00 10 00 00", 7, LOAD, 4, 4, 0),
		/* mov eax, [rcx*4+0x10]: base 101 under mod=00 */
		ROW(M64, "8b 04 8d 10 00 00 00", 7, LOAD, 4, 4, 0),
		/* mov eax, [rbp+rcx*4+0]: base 101 under mod=01 */
		ROW(M64, "8b 44 8d 00", 4, LOAD, 4, 4, 0),
		/* mov eax, [r12]: REX.B does not remove the SIB */
		ROW(M64, "41 8b 04 24", 4, LOAD, 4, 4, 0),
		/* mov eax, [r13+0]: nor the disp8 */
		ROW(M64, "41 8b 45 00", 4, LOAD, 4, 4, 0),
		/* mov r8, [r13*4+0x10]: REX.X + no base still disp32 */
		ROW(M64, "4e 8b 04 ad 10 00 00 00", 8, LOAD, 8, 8, 8),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(mov_store_64)
{
	static const struct row rows[] = {
		/* mov [rdi], eax */
		ROW(M64, "89 07", 2, STORE, 4, 4, 0),
		/* mov [0x1000], rax */
		ROW(M64, "48 89 04 25 00 10 00 00", 8, STORE, 8, 8, 0),
		/* mov [rdi], ax */
		ROW(M64, "66 89 07", 3, STORE, 2, 2, 0),
		/* mov [rdi], r8d */
		ROW(M64, "44 89 07", 3, STORE, 4, 4, 8),
		/* mov [rdi], bl */
		ROW(M64, "88 1f", 2, STORE, 1, 1, 3),
		/* mov [rbx+8], rsi */
		ROW(M64, "48 89 73 08", 4, STORE, 8, 8, 6),
		/* mov [rip+0x10], r14w: 66 and REX together */
		ROW(M64, "66 44 89 35 10 00 00 00", 8, STORE, 2, 2, 14),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(byte_registers)
{
	static const struct row rows[] = {
		/* mov [rdi], ah */
		ROW(M64, "88 27", 2, STORE, 1, 1, 4, .high_byte = true),
		/* mov [rdi], spl: any REX, even an empty one, means SPL */
		ROW(M64, "40 88 27", 3, STORE, 1, 1, 4),
		/* mov bh, [rdi] */
		ROW(M64, "8a 3f", 2, LOAD, 1, 1, 7, .high_byte = true),
		/* mov dil, [rdi] */
		ROW(M64, "40 8a 3f", 3, LOAD, 1, 1, 7),
		/* mov [rdi], r12b */
		ROW(M64, "44 88 27", 3, STORE, 1, 1, 12),
		/* REX.W does not widen a byte form: mov [rdi], spl */
		ROW(M64, "48 88 27", 3, STORE, 1, 1, 4),
		/* mov [edi], ch in 32-bit code */
		ROW(M32, "88 2f", 2, STORE, 1, 1, 5, .high_byte = true),
		/* mov [bx], dh in 16-bit code */
		ROW(M16, "88 37", 2, STORE, 1, 1, 6, .high_byte = true),
		/* mov [rdi], esp: reg 4 is only AH when 8-bit */
		ROW(M64, "89 27", 2, STORE, 4, 4, 4),
		/* movzx esp, byte [rdi]: the register is 32-bit */
		ROW(M64, "0f b6 27", 3, ZX, 4, 1, 4),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(mov_store_imm)
{
	static const struct row rows[] = {
		/* mov word [rax], 0x1234 */
		ROW(M64, "66 c7 00 34 12", 5, IMM, 2, 2, 0, .imm = 0x1234),
		/* mov dword [rip+0x100], 0x12345678 */
		ROW(M64, "c7 05 00 01 00 00 78 56 34 12", 10, IMM, 4, 4, 0,
		    .imm = 0x12345678),
		/* mov byte [rax], 0x12 */
		ROW(M64, "c6 00 12", 3, IMM, 1, 1, 0, .imm = 0x12),
		/* mov byte [rax], 0xff: no extension past op_size */
		ROW(M64, "c6 00 ff", 3, IMM, 1, 1, 0, .imm = 0xff),
		/* mov word [rax], 0xffff */
		ROW(M64, "66 c7 00 ff ff", 5, IMM, 2, 2, 0, .imm = 0xffff),
		/* mov dword [rax], 0xffffffff */
		ROW(M64, "c7 00 ff ff ff ff", 6, IMM, 4, 4, 0,
		    .imm = 0xffffffffULL),
		/* mov qword [rax], -1: imm32 sign-extended */
		ROW(M64, "48 c7 00 ff ff ff ff", 7, IMM, 8, 8, 0,
		    .imm = 0xffffffffffffffffULL),
		/* mov qword [rax], -0x80000000 */
		ROW(M64, "48 c7 00 00 00 00 80", 7, IMM, 8, 8, 0,
		    .imm = 0xffffffff80000000ULL),
		/* mov qword [rax], 0x7fffffff */
		ROW(M64, "48 c7 00 ff ff ff 7f", 7, IMM, 8, 8, 0,
		    .imm = 0x7fffffffULL),
		/* mov dword [rsp+0x100], 1: SIB + disp32 + imm32 */
		ROW(M64, "c7 84 24 00 01 00 00 01 00 00 00", 11, IMM, 4, 4, 0,
		    .imm = 1),
		/* mov byte [r8+1], 2: REX.R is not part of /0 */
		ROW(M64, "45 c6 40 01 02", 5, IMM, 1, 1, 0, .imm = 2),
		/* mov dword [0x1000], 5 in 32-bit code: absolute disp32 */
		ROW(M32, "c7 05 00 10 00 00 05 00 00 00", 10, IMM, 4, 4, 0,
		    .imm = 5),
		/* mov word [bx+si], 0xbeef in 16-bit code */
		ROW(M16, "c7 00 ef be", 4, IMM, 2, 2, 0, .imm = 0xbeef),
		/* mov dword [bx+si], 7 in 16-bit code: 66 gives imm32 */
		ROW(M16, "66 c7 00 07 00 00 00", 7, IMM, 4, 4, 0, .imm = 7),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(moffs_forms)
{
	static const struct row rows[] = {
		/* mov eax, [moffs32] */
		ROW(M32, "a1 00 10 00 00", 5, LOAD, 4, 4, 0),
		/* mov eax, [moffs64] */
		ROW(M64, "a1 00 10 00 00 00 00 00 00", 9, LOAD, 4, 4, 0),
		/* mov rax, [moffs64] */
		ROW(M64, "48 a1 00 10 00 00 00 00 00 00", 10, LOAD, 8, 8, 0),
		/* mov ax, [moffs64] */
		ROW(M64, "66 a1 00 10 00 00 00 00 00 00", 10, LOAD, 2, 2, 0),
		/* mov al, [moffs64] */
		ROW(M64, "a0 00 10 00 00 00 00 00 00", 9, LOAD, 1, 1, 0),
		/* mov [moffs64], eax */
		ROW(M64, "a3 00 10 00 00 00 00 00 00", 9, STORE, 4, 4, 0),
		/* mov [moffs32], eax: 67 in 64-bit mode */
		ROW(M64, "67 a1 00 10 00 00", 6, LOAD, 4, 4, 0),
		/* mov [moffs32], al */
		ROW(M32, "a2 00 10 00 00", 5, STORE, 1, 1, 0),
		/* mov eax, [moffs16]: 67 in 32-bit mode */
		ROW(M32, "67 a1 00 10", 4, LOAD, 4, 4, 0),
		/* mov ax, [moffs16] */
		ROW(M16, "a1 34 12", 3, LOAD, 2, 2, 0),
		/* mov eax, [moffs16] */
		ROW(M16, "66 a1 34 12", 4, LOAD, 4, 4, 0),
		/* mov [moffs32], ax: 67 in 16-bit mode */
		ROW(M16, "67 a3 00 10 00 00", 6, STORE, 2, 2, 0),
		/* mov fs:[moffs64], rax */
		ROW(M64, "64 48 a3 08 00 00 00 00 00 00 00", 11, STORE, 8, 8, 0,
		    .seg = 0x64),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(address_size_prefix)
{
	static const struct row rows[] = {
		/* mov eax, [edi] */
		ROW(M64, "67 8b 07", 3, LOAD, 4, 4, 0),
		/* mov eax, [eip+0x10]: still disp32 */
		ROW(M64, "67 8b 05 10 00 00 00", 7, LOAD, 4, 4, 0),
		/* mov eax, [esp]: still SIB */
		ROW(M64, "67 8b 04 24", 4, LOAD, 4, 4, 0),
		/* mov eax, [bx] in 32-bit code */
		ROW(M32, "67 8b 07", 3, LOAD, 4, 4, 0),
		/* mov eax, [si]: 16-bit rm=100 has no SIB */
		ROW(M32, "67 8b 04", 3, LOAD, 4, 4, 0),
		/* mov eax, [0x1234]: mod=00 rm=110 is disp16 */
		ROW(M32, "67 8b 06 34 12", 5, LOAD, 4, 4, 0),
		/* mov eax, [bx+2] */
		ROW(M32, "67 8b 47 02", 4, LOAD, 4, 4, 0),
		/* mov eax, [bx+0x1000] */
		ROW(M32, "67 8b 87 00 10", 5, LOAD, 4, 4, 0),
		/* mov [bp+si+0x10], 0x55 */
		ROW(M32, "67 c6 42 10 55", 5, IMM, 1, 1, 0, .imm = 0x55),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(mode_16)
{
	static const struct row rows[] = {
		/* mov ax, [bp+2] */
		ROW(M16, "8b 46 02", 3, LOAD, 2, 2, 0),
		/* mov ax, [bp+0x1000] */
		ROW(M16, "8b 86 00 10", 4, LOAD, 2, 2, 0),
		/* mov ax, [0x1000] */
		ROW(M16, "8b 06 00 10", 4, LOAD, 2, 2, 0),
		/* mov ax, [si] */
		ROW(M16, "8b 04", 2, LOAD, 2, 2, 0),
		/* mov eax, [si] */
		ROW(M16, "66 8b 04", 3, LOAD, 4, 4, 0),
		/* mov [di], cx */
		ROW(M16, "89 0d", 2, STORE, 2, 2, 1),
		/* mov ax, [esp]: 67 selects 32-bit forms, with SIB */
		ROW(M16, "67 8b 04 24", 4, LOAD, 2, 2, 0),
		/* mov eax, [esp+8] */
		ROW(M16, "66 67 8b 44 24 08", 6, LOAD, 4, 4, 0),
		/* mov ax, [0x12345678] */
		ROW(M16, "67 8b 05 78 56 34 12", 7, LOAD, 2, 2, 0),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(mode_32)
{
	static const struct row rows[] = {
		/* mov eax, [ebp-8] */
		ROW(M32, "8b 45 f8", 3, LOAD, 4, 4, 0),
		/* mov [edi], ax */
		ROW(M32, "66 89 07", 3, STORE, 2, 2, 0),
		/* mov eax, [0x1000]: mod=00 rm=101 is absolute here */
		ROW(M32, "8b 05 00 10 00 00", 6, LOAD, 4, 4, 0),
		/* mov edi, [esp+eax*8+4] */
		ROW(M32, "8b 7c c4 04", 4, LOAD, 4, 4, 7),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(movzx_movsx)
{
	static const struct row rows[] = {
		/* movzx eax, byte [rdi] */
		ROW(M64, "0f b6 07", 3, ZX, 4, 1, 0),
		/* movzx eax, word [rdi] */
		ROW(M64, "0f b7 07", 3, ZX, 4, 2, 0),
		/* movzx ax, byte [rdi] */
		ROW(M64, "66 0f b6 07", 4, ZX, 2, 1, 0),
		/* movzx r9, word [rdi] */
		ROW(M64, "4c 0f b7 0f", 4, ZX, 8, 2, 9),
		/* movsx rax, word [rdi] */
		ROW(M64, "48 0f bf 07", 4, SX, 8, 2, 0),
		/* movsx ecx, byte [rdi+0x10] */
		ROW(M64, "0f be 4f 10", 4, SX, 4, 1, 1),
		/* movsxd rax, dword [rdi] */
		ROW(M64, "48 63 07", 3, SX, 8, 4, 0),
		/* movsxd eax, dword [rdi]: no extension, still 4 bytes */
		ROW(M64, "63 07", 2, SX, 4, 4, 0),
		/* movsxd ax, word [rdi] */
		ROW(M64, "66 63 07", 3, SX, 2, 2, 0),
		/* movzx ax, byte [bp+2] in 16-bit code */
		ROW(M16, "0f b6 46 02", 4, ZX, 2, 1, 0),
		/* movsx eax, word [0x1000] in 32-bit code */
		ROW(M32, "0f bf 05 00 10 00 00", 7, SX, 4, 2, 0),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(opcode_fields)
{
	struct hospes_insn insn;

	ASSERT_EQ(0, decode(M64, "48 0f bf 07", &insn));
	EXPECT_EQ(0xbf, insn.opcode);
	EXPECT_TRUE(insn.two_byte);

	ASSERT_EQ(0, decode(M64, "66 c7 00 34 12", &insn));
	EXPECT_EQ(0xc7, insn.opcode);
	EXPECT_FALSE(insn.two_byte);

	ASSERT_EQ(0, decode(M64, "f3 90", &insn));
	EXPECT_EQ(0x90, insn.opcode);
	EXPECT_FALSE(insn.two_byte);

	ASSERT_EQ(0, decode(M64, "0f 01 d9", &insn));
	EXPECT_EQ(0x01, insn.opcode);
	EXPECT_TRUE(insn.two_byte);
}

/* Register-to-register MOVs cannot cause MMIO: length only. */
TEST(register_forms_are_not_memory)
{
	static const struct row rows[] = {
		/* mov eax, eax */
		ROW(M64, "8b c0", 2, OTHER, 4, 0, 0),
		/* mov ah, al */
		ROW(M64, "88 c4", 2, OTHER, 1, 0, 0),
		/* mov eax, 1 */
		ROW(M64, "c7 c0 01 00 00 00", 6, OTHER, 4, 0, 0, .imm = 1),
		/* movzx eax, al */
		ROW(M64, "0f b6 c0", 3, OTHER, 4, 0, 0),
		/* movsxd rax, eax */
		ROW(M64, "48 63 c0", 3, OTHER, 8, 0, 0),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(segment_and_rep_prefixes)
{
	static const struct row rows[] = {
		/* mov eax, gs:[0x10] */
		ROW(M64, "65 8b 04 25 10 00 00 00", 8, LOAD, 4, 4, 0,
		    .seg = 0x65),
		/* mov eax, fs:[rax] */
		ROW(M64, "64 8b 00", 3, LOAD, 4, 4, 0, .seg = 0x64),
		/* 64-bit mode ignores CS/DS/ES/SS overrides */
		ROW(M64, "2e 8b 00", 3, LOAD, 4, 4, 0),
		ROW(M64, "3e 8b 00", 3, LOAD, 4, 4, 0),
		/* but honours each one elsewhere */
		ROW(M32, "2e 8b 00", 3, LOAD, 4, 4, 0, .seg = 0x2e),
		ROW(M32, "36 8b 00", 3, LOAD, 4, 4, 0, .seg = 0x36),
		ROW(M16, "26 8b 07", 3, LOAD, 2, 2, 0, .seg = 0x26),
		/* the last of several overrides wins */
		ROW(M32, "26 65 8b 00", 4, LOAD, 4, 4, 0, .seg = 0x65),
		/* xrelease mov [rdi], eax */
		ROW(M64, "f3 89 07", 3, STORE, 4, 4, 0, .rep = true),
		/* lock and repne are still prefixes */
		ROW(M64, "f0 f2 89 07", 4, STORE, 4, 4, 0, .rep = true),
		/* all kinds at once: mov ax, cs:[bx] */
		ROW(M32, "66 f3 2e 67 8b 07", 6, LOAD, 2, 2, 0, .rep = true,
		    .seg = 0x2e),
		/* a prefix repeated */
		ROW(M64, "66 66 66 89 07", 5, STORE, 2, 2, 0),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(rex_placement)
{
	static const struct row rows[] = {
		/* REX before a legacy prefix is ignored: mov [rdi], ax */
		ROW(M64, "48 66 89 07", 4, STORE, 2, 2, 0),
		/* REX.W beats 66: mov [rdi], rax */
		ROW(M64, "66 48 89 07", 4, STORE, 8, 8, 0),
		/* only the last REX counts: mov rax, [rdi] */
		ROW(M64, "4c 48 8b 07", 4, LOAD, 8, 8, 0),
		/* mov r8d, [rdi] */
		ROW(M64, "48 44 8b 07", 4, LOAD, 4, 4, 8),
		/* an ignored REX does not hide AH: mov [rdi], ah */
		ROW(M64, "40 2e 88 27", 4, STORE, 1, 1, 4, .high_byte = true),
	};
	struct hospes_insn insn;

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
	/* Outside 64-bit mode 48 is DEC eAX, not a prefix. */
	check_error(_metadata, M32, "48 8b 07", -EOPNOTSUPP);
	check_error(_metadata, M16, "41 8b 07", -EOPNOTSUPP);
	/* A REX must be followed by an opcode. */
	EXPECT_EQ(-EINVAL, decode(M64, "48", &insn));
}

TEST(length_only_intercepts)
{
	static const struct row rows[] = {
		ROW(M64, "0f a2", 2, OTHER, 4, 0, 0),		/* CPUID */
		ROW(M64, "66 0f a2", 3, OTHER, 2, 0, 0),	/* CPUID */
		ROW(M64, "0f 32", 2, OTHER, 4, 0, 0),		/* RDMSR */
		ROW(M64, "0f 30", 2, OTHER, 4, 0, 0),		/* WRMSR */
		ROW(M64, "0f 31", 2, OTHER, 4, 0, 0),		/* RDTSC */
		ROW(M64, "0f 01 f9", 3, OTHER, 4, 0, 0),	/* RDTSCP */
		ROW(M64, "f4", 1, OTHER, 4, 0, 0),		/* HLT */
		ROW(M64, "0f 01 d9", 3, OTHER, 4, 0, 0),	/* VMMCALL */
		ROW(M64, "0f 01 c1", 3, OTHER, 4, 0, 0),	/* VMCALL */
		ROW(M64, "0f 08", 2, OTHER, 4, 0, 0),		/* INVD */
		ROW(M64, "0f 09", 2, OTHER, 4, 0, 0),		/* WBINVD */
		ROW(M64, "0f 01 d1", 3, OTHER, 4, 0, 0),	/* XSETBV */
		ROW(M64, "0f 01 c8", 3, OTHER, 4, 0, 0),	/* MONITOR */
		ROW(M64, "0f 01 c9", 3, OTHER, 4, 0, 0),	/* MWAIT */
		ROW(M64, "f3 90", 2, OTHER, 4, 0, 0, .rep = true), /* PAUSE */
		ROW(M32, "0f a2", 2, OTHER, 4, 0, 0),		/* CPUID */
		ROW(M16, "0f a2", 2, OTHER, 2, 0, 0),		/* CPUID */
		ROW(M16, "f3 90", 2, OTHER, 2, 0, 0, .rep = true), /* PAUSE */
		ROW(M32, "0f 01 d9", 3, OTHER, 4, 0, 0),	/* VMMCALL */
		/* prefixes count towards the length */
		ROW(M64, "2e 3e 0f 01 d9", 5, OTHER, 4, 0, 0),
		ROW(M32, "3e f4", 2, OTHER, 4, 0, 0, .seg = 0x3e),
		ROW(M64, "48 0f 32", 3, OTHER, 8, 0, 0),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(port_io)
{
	static const struct row rows[] = {
		ROW(M64, "e4 60", 2, OTHER, 1, 0, 0, .imm = 0x60), /* in al */
		ROW(M64, "e5 60", 2, OTHER, 4, 0, 0, .imm = 0x60), /* in eax */
		ROW(M64, "66 e5 60", 3, OTHER, 2, 0, 0, .imm = 0x60),
		ROW(M64, "e6 80", 2, OTHER, 1, 0, 0, .imm = 0x80), /* out */
		ROW(M64, "e7 ff", 2, OTHER, 4, 0, 0, .imm = 0xff),
		ROW(M64, "ec", 1, OTHER, 1, 0, 0),		/* in al, dx */
		ROW(M64, "ed", 1, OTHER, 4, 0, 0),		/* in eax, dx */
		ROW(M64, "ee", 1, OTHER, 1, 0, 0),		/* out dx, al */
		ROW(M64, "66 ef", 2, OTHER, 2, 0, 0),		/* out dx, ax */
		/* port I/O has no 64-bit form: REX.W is ignored */
		ROW(M64, "48 ed", 2, OTHER, 4, 0, 0),
		ROW(M16, "ed", 1, OTHER, 2, 0, 0),		/* in ax, dx */
		ROW(M16, "66 ed", 2, OTHER, 4, 0, 0),		/* in eax, dx */
		/* string forms also move op_size bytes of memory */
		ROW(M64, "6c", 1, OTHER, 1, 1, 0),		/* insb */
		ROW(M64, "f3 6d", 2, OTHER, 4, 4, 0, .rep = true), /* rep insd */
		ROW(M64, "f3 66 6f", 3, OTHER, 2, 2, 0, .rep = true),
		ROW(M32, "6e", 1, OTHER, 1, 1, 0),		/* outsb */
		ROW(M64, "64 6e", 2, OTHER, 1, 1, 0, .seg = 0x64),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(mov_cr)
{
	static const struct row rows[] = {
		ROW(M64, "0f 20 c0", 3, OTHER, 8, 0, 0),	/* mov rax, cr0 */
		ROW(M64, "0f 22 d8", 3, OTHER, 8, 0, 3),	/* mov cr3, rax */
		ROW(M64, "0f 22 e7", 3, OTHER, 8, 0, 4),	/* mov cr4, rdi */
		ROW(M64, "44 0f 20 c0", 4, OTHER, 8, 0, 8),	/* mov rax, cr8 */
		/* mod is ignored: no SIB, no displacement */
		ROW(M64, "0f 20 00", 3, OTHER, 8, 0, 0),
		ROW(M64, "0f 22 04", 3, OTHER, 8, 0, 0),
		ROW(M64, "0f 22 05", 3, OTHER, 8, 0, 0),
		ROW(M64, "0f 22 9c", 3, OTHER, 8, 0, 3),
		/* the operand is the mode's GPR width, whatever 66 says */
		ROW(M64, "66 0f 20 c0", 4, OTHER, 8, 0, 0),
		ROW(M32, "0f 22 e0", 3, OTHER, 4, 0, 4),	/* mov cr4, eax */
		ROW(M32, "66 0f 22 e0", 4, OTHER, 4, 0, 4),
		ROW(M16, "0f 22 c0", 3, OTHER, 4, 0, 0),	/* mov cr0, eax */
		/* AMD: LOCK MOV CR0 is MOV CR8 */
		ROW(M32, "f0 0f 20 c0", 4, OTHER, 4, 0, 8),
	};

	check_rows(_metadata, rows, ARRAY_SIZE(rows));
}

TEST(fifteen_byte_limit)
{
	struct hospes_insn insn;
	u8 buf[BUF_MAX];
	unsigned int i;

	/* 4 prefixes + mov dword [rsp+0x100], 1 is exactly 15 bytes */
	ASSERT_EQ(0, decode(M64,
			    "2e 3e 2e 3e c7 84 24 00 01 00 00 01 00 00 00",
			    &insn));
	EXPECT_EQ(15, insn.len);
	EXPECT_EQ(IMM, insn.op);
	/* one more prefix makes 16: #GP on hardware */
	EXPECT_EQ(-EINVAL,
		  decode(M64, "2e 2e 3e 2e 3e c7 84 24 00 01 00 00 01 00 00 00",
			 &insn));

	/* 14 prefixes + HLT is 15 bytes, 15 + HLT is 16 */
	memset(buf, 0x66, sizeof(buf));
	buf[14] = 0xf4;
	ASSERT_EQ(0, hospes_insn_decode(buf, sizeof(buf), M64, &insn));
	EXPECT_EQ(15, insn.len);
	buf[14] = 0x66;
	buf[15] = 0xf4;
	EXPECT_EQ(-EINVAL, hospes_insn_decode(buf, sizeof(buf), M64, &insn));

	/* 16 prefixes before mov eax, [rdi], in every mode */
	memset(buf, 0x3e, sizeof(buf));
	buf[16] = 0x8b;
	buf[17] = 0x07;
	for (i = M16; i <= M64; i *= 2)
		EXPECT_EQ(-EINVAL, hospes_insn_decode(buf, sizeof(buf), i,
						      &insn));
	/* 16 REX prefixes */
	memset(buf, 0x48, 16);
	EXPECT_EQ(-EINVAL, hospes_insn_decode(buf, sizeof(buf), M64, &insn));
}

/* Every instruction the other tests decode, for whole-table checks. */
static const struct {
	enum hospes_cpu_mode mode;
	const char *hex;
} all_valid[] = {
	{ M64, "8b 45 f8" }, { M64, "48 89 04 25 00 10 00 00" },
	{ M64, "66 c7 00 34 12" }, { M64, "40 88 27" },
	{ M64, "c7 05 00 01 00 00 78 56 34 12" },
	{ M64, "c7 84 24 00 01 00 00 01 00 00 00" },
	{ M64, "8b 04 8d 10 00 00 00" }, { M64, "41 8b 45 00" },
	{ M64, "a1 00 10 00 00 00 00 00 00" }, { M32, "a1 00 10 00 00" },
	{ M16, "a1 34 12" }, { M64, "67 a1 00 10 00 00" },
	{ M64, "67 8b 05 10 00 00 00" }, { M32, "67 8b 06 34 12" },
	{ M16, "8b 46 02" }, { M16, "8b 86 00 10" },
	{ M16, "66 67 8b 44 24 08" }, { M64, "48 0f bf 07" },
	{ M64, "48 63 07" }, { M64, "48 c7 00 00 00 00 80" },
	{ M64, "f3 90" }, { M64, "0f 01 d9" }, { M64, "66 0f a2" },
	{ M64, "e4 60" }, { M64, "f3 66 6f" }, { M64, "44 0f 20 c0" },
	{ M32, "f0 0f 20 c0" }, { M16, "66 c7 00 07 00 00 00" },
	{ M64, "64 48 a3 08 00 00 00 00 00 00 00" },
};

TEST(truncated_input_is_einval)
{
	struct hospes_insn insn;
	unsigned int i, n, len;
	u8 buf[BUF_MAX];

	EXPECT_EQ(-EINVAL, hospes_insn_decode(buf, 0, M64, &insn));
	for (i = 0; i < ARRAY_SIZE(all_valid); i++) {
		len = parse_hex(all_valid[i].hex, buf);
		for (n = 0; n < len; n++)
			EXPECT_EQ(-EINVAL, hospes_insn_decode(buf, n,
							      all_valid[i].mode,
							      &insn))
				TH_LOG("'%s' cut to %u bytes",
				       all_valid[i].hex, n);
		EXPECT_EQ(0, hospes_insn_decode(buf, len, all_valid[i].mode,
						&insn))
			TH_LOG("'%s'", all_valid[i].hex);
		EXPECT_EQ(len, insn.len) TH_LOG("'%s'", all_valid[i].hex);
	}
}

/* The decoder must stop at the instruction's end, whatever follows. */
TEST(trailing_bytes_are_not_read)
{
	struct hospes_insn insn;
	unsigned int i, len;
	u8 buf[BUF_MAX];
	int fill;

	for (i = 0; i < ARRAY_SIZE(all_valid); i++) {
		for (fill = 0; fill <= 0xff; fill += 0x33) {
			memset(buf, fill, sizeof(buf));
			len = parse_hex(all_valid[i].hex, buf);
			EXPECT_EQ(0, hospes_insn_decode(buf, sizeof(buf),
							all_valid[i].mode,
							&insn))
				TH_LOG("'%s' + %02x", all_valid[i].hex, fill);
			EXPECT_EQ(len, insn.len)
				TH_LOG("'%s' + %02x", all_valid[i].hex, fill);
		}
	}
}

TEST(unsupported_opcodes)
{
	static const struct {
		enum hospes_cpu_mode mode;
		const char *hex;
	} rows[] = {
		{ M64, "01 07" },		/* add [rdi], eax */
		{ M64, "01" },			/* refused before reading on */
		{ M64, "90" },			/* nop */
		{ M64, "f2 90" },		/* repne nop, not PAUSE */
		{ M64, "f3 41 90" },		/* xchg r8d, eax */
		{ M64, "0f 01 d0" },		/* xgetbv */
		{ M64, "0f 01 f8" },		/* swapgs */
		{ M64, "0f 01 00" },		/* sgdt [rax] */
		{ M64, "c7 08 00 00 00 00" },	/* C7 /1 */
		{ M64, "c6 f8 00" },		/* xabort */
		{ M64, "0f 0b" },		/* ud2 */
		{ M64, "0f 05" },		/* syscall */
		{ M64, "0f 21 c0" },		/* mov rax, dr0 */
		{ M64, "0f 38 00 c0" },		/* three-byte map */
		{ M64, "c5 f8 77" },		/* vzeroupper (VEX) */
		{ M64, "ff 00" },		/* inc dword [rax] */
		{ M64, "cc" },			/* int3 */
		{ M64, "a5" },			/* movsd */
		{ M32, "63 07" },		/* arpl: MOVSXD is 64-bit only */
		{ M16, "40" },			/* inc ax */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		check_error(_metadata, rows[i].mode, rows[i].hex, -EOPNOTSUPP);
}

TEST(bad_arguments)
{
	struct hospes_insn insn;
	u8 hlt = 0xf4;

	EXPECT_EQ(-EINVAL, hospes_insn_decode(&hlt, 1, 0, &insn));
	EXPECT_EQ(-EINVAL, hospes_insn_decode(&hlt, 1, 1, &insn));
	EXPECT_EQ(-EINVAL, hospes_insn_decode(&hlt, 1, 3, &insn));
	EXPECT_EQ(-EINVAL, hospes_insn_decode(&hlt, 1, 16, &insn));
	EXPECT_EQ(0, hospes_insn_decode(&hlt, 1, M32, &insn));
	EXPECT_EQ(1, insn.len);
}

/* A failed decode must not leave a previous result behind. */
TEST(failure_clears_result)
{
	struct hospes_insn insn;

	ASSERT_EQ(0, decode(M64, "48 c7 00 ff ff ff ff", &insn));
	ASSERT_EQ(-EOPNOTSUPP, decode(M64, "01 07", &insn));
	EXPECT_EQ(0, insn.len);
	EXPECT_EQ(OTHER, insn.op);
	EXPECT_EQ(0ULL, insn.imm);
}

TEST_HARNESS_MAIN
