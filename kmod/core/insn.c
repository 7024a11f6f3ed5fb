// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoder for the few x86 instructions hospes must measure or emulate.
 *
 * An instruction is: legacy prefixes, an optional REX prefix (64-bit
 * mode), a one- or two-byte opcode, then, as the opcode demands, ModRM,
 * SIB, a displacement, a memory offset and an immediate. The opcode
 * tables below say which of those trailing parts each supported opcode
 * has; the rest of the file only measures them.
 */
#include "insn.h"

/* Properties of an opcode, one table entry per opcode byte. */
#define OPF_VALID	0x0001	/* in the supported set */
#define OPF_MODRM	0x0002	/* a ModRM byte follows */
#define OPF_BYTE	0x0004	/* 8-bit operands */
#define OPF_IMM8	0x0008	/* an 8-bit immediate follows */
#define OPF_IMMZ	0x0010	/* a 16/32-bit immediate, by operand size */
#define OPF_MOFFS	0x0020	/* a memory offset, by address size */
#define OPF_SLASH0	0x0040	/* ModRM.reg extends the opcode: only /0 */
#define OPF_IO		0x0080	/* port I/O: at most 32-bit operands */
#define OPF_CR		0x0100	/* MOV to/from CR: ModRM is always a reg */
#define OPF_X64		0x0200	/* exists in 64-bit mode only */
#define OPF_PAUSE	0x0400	/* valid only as F3 90 (PAUSE) */
#define OPF_GRP7	0x0800	/* 0F 01: the whole ModRM picks the insn */
#define OPF_STR		0x1000	/* string I/O: also moves op_size of memory */

struct hospes_opcode {
	u16 flags;
	u8 op;		/* enum hospes_insn_op when memory is addressed */
	u8 mem_max;	/* memory access narrower than op_size, 0 if not */
};

#define OP(f, kind, max)	{ OPF_VALID | (f), HOSPES_INSN_##kind, max }
#define PLAIN(f)		OP(f, OTHER, 0)

static const struct hospes_opcode one_byte_ops[256] = {
	/* MOVSXD r, r/m32; outside 64-bit mode this byte is ARPL. */
	[0x63] = OP(OPF_MODRM | OPF_X64, MOVSX, 4),
	[0x6c] = PLAIN(OPF_IO | OPF_STR | OPF_BYTE),	/* INSB */
	[0x6d] = PLAIN(OPF_IO | OPF_STR),		/* INSW/INSD */
	[0x6e] = PLAIN(OPF_IO | OPF_STR | OPF_BYTE),	/* OUTSB */
	[0x6f] = PLAIN(OPF_IO | OPF_STR),		/* OUTSW/OUTSD */
	[0x88] = OP(OPF_MODRM | OPF_BYTE, MOV_STORE, 0),
	[0x89] = OP(OPF_MODRM, MOV_STORE, 0),
	[0x8a] = OP(OPF_MODRM | OPF_BYTE, MOV_LOAD, 0),
	[0x8b] = OP(OPF_MODRM, MOV_LOAD, 0),
	[0x90] = PLAIN(OPF_PAUSE),
	/* The moffs forms always use the accumulator (reg 0). */
	[0xa0] = OP(OPF_MOFFS | OPF_BYTE, MOV_LOAD, 0),
	[0xa1] = OP(OPF_MOFFS, MOV_LOAD, 0),
	[0xa2] = OP(OPF_MOFFS | OPF_BYTE, MOV_STORE, 0),
	[0xa3] = OP(OPF_MOFFS, MOV_STORE, 0),
	[0xc6] = OP(OPF_MODRM | OPF_SLASH0 | OPF_BYTE | OPF_IMM8,
		    MOV_STORE_IMM, 0),
	[0xc7] = OP(OPF_MODRM | OPF_SLASH0 | OPF_IMMZ, MOV_STORE_IMM, 0),
	[0xe4] = PLAIN(OPF_IO | OPF_BYTE | OPF_IMM8),	/* IN AL, imm8 */
	[0xe5] = PLAIN(OPF_IO | OPF_IMM8),		/* IN eAX, imm8 */
	[0xe6] = PLAIN(OPF_IO | OPF_BYTE | OPF_IMM8),	/* OUT imm8, AL */
	[0xe7] = PLAIN(OPF_IO | OPF_IMM8),		/* OUT imm8, eAX */
	[0xec] = PLAIN(OPF_IO | OPF_BYTE),		/* IN AL, DX */
	[0xed] = PLAIN(OPF_IO),				/* IN eAX, DX */
	[0xee] = PLAIN(OPF_IO | OPF_BYTE),		/* OUT DX, AL */
	[0xef] = PLAIN(OPF_IO),				/* OUT DX, eAX */
	[0xf4] = PLAIN(0),				/* HLT */
};

static const struct hospes_opcode two_byte_ops[256] = {
	[0x01] = PLAIN(OPF_MODRM | OPF_GRP7),
	[0x08] = PLAIN(0),				/* INVD */
	[0x09] = PLAIN(0),				/* WBINVD */
	[0x20] = PLAIN(OPF_MODRM | OPF_CR),		/* MOV r, CRn */
	[0x22] = PLAIN(OPF_MODRM | OPF_CR),		/* MOV CRn, r */
	[0x30] = PLAIN(0),				/* WRMSR */
	[0x31] = PLAIN(0),				/* RDTSC */
	[0x32] = PLAIN(0),				/* RDMSR */
	[0xa2] = PLAIN(0),				/* CPUID */
	[0xb6] = OP(OPF_MODRM, MOVZX, 1),		/* MOVZX r, r/m8 */
	[0xb7] = OP(OPF_MODRM, MOVZX, 2),		/* MOVZX r, r/m16 */
	[0xbe] = OP(OPF_MODRM, MOVSX, 1),		/* MOVSX r, r/m8 */
	[0xbf] = OP(OPF_MODRM, MOVSX, 2),		/* MOVSX r, r/m16 */
};

/*
 * The 0F 01 instructions hospes intercepts. Each is a fixed three-byte
 * encoding whose ModRM byte (always register form) names it, so no
 * SIB or displacement can follow.
 */
static const u8 grp7_modrm[] = {
	0xc1,	/* VMCALL */
	0xc8,	/* MONITOR */
	0xc9,	/* MWAIT */
	0xd1,	/* XSETBV */
	0xd9,	/* VMMCALL */
	0xf9,	/* RDTSCP */
};

#define REX_W	0x08
#define REX_R	0x04
#define REX_B	0x01

#define MODRM_MOD(m)	((m) >> 6)
#define MODRM_REG(m)	(((m) >> 3) & 7)
#define MODRM_RM(m)	((m) & 7)

struct decoder {
	const u8 *bytes;
	unsigned int end;	/* min(avail, 15): reading past it fails */
	unsigned int pos;
	enum hospes_cpu_mode mode;
	u8 rex;			/* the REX byte, 0 if none counts */
	u8 last_rep;		/* the last of F2/F3, 0 if none */
	bool opsize_prefix;	/* 66 */
	bool addrsize_prefix;	/* 67 */
	bool lock;		/* F0 */
};

/*
 * Truncation and the 15-byte limit are one check: either way the bytes
 * needed to finish the instruction are not there.
 */
static int take(struct decoder *d, u8 *b)
{
	if (d->pos >= d->end)
		return -EINVAL;
	*b = d->bytes[d->pos++];
	return 0;
}

static int skip(struct decoder *d, unsigned int n)
{
	if (n > d->end - d->pos)
		return -EINVAL;
	d->pos += n;
	return 0;
}

/* Read an n-byte little-endian field. */
static int take_le(struct decoder *d, unsigned int n, u64 *val)
{
	unsigned int i;

	if (n > d->end - d->pos)
		return -EINVAL;
	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (u64)d->bytes[d->pos + i] << (8 * i);
	d->pos += n;
	return 0;
}

/* Consume b if it is a legacy prefix, noting its effect. */
static bool legacy_prefix(struct decoder *d, struct hospes_insn *insn, u8 b)
{
	switch (b) {
	case 0x66:
		d->opsize_prefix = true;
		return true;
	case 0x67:
		d->addrsize_prefix = true;
		return true;
	case 0xf0:
		d->lock = true;
		return true;
	case 0xf2:
	case 0xf3:
		d->last_rep = b;
		insn->rep = true;
		return true;
	case 0x64:
	case 0x65:
		insn->seg_override = b;
		return true;
	case 0x26:
	case 0x2e:
	case 0x36:
	case 0x3e:
		/* 64-bit mode ignores the ES, CS, SS and DS overrides. */
		if (d->mode != HOSPES_MODE_64)
			insn->seg_override = b;
		return true;
	default:
		return false;
	}
}

/*
 * Skip the SIB byte and displacement that follow a ModRM with mod != 3.
 * Only the raw rm/base fields matter here: REX.B never changes which
 * encodings need a SIB or a displacement.
 */
static int skip_mem_operand(struct decoder *d, unsigned int addr_size,
			    u8 modrm)
{
	unsigned int mod = MODRM_MOD(modrm);
	unsigned int rm = MODRM_RM(modrm);
	u8 sib;
	int ret;

	if (addr_size == 2) {
		/* 16-bit forms have no SIB; mod=00 rm=110 is [disp16]. */
		if (mod == 1)
			return skip(d, 1);
		if (mod == 2 || (mod == 0 && rm == 6))
			return skip(d, 2);
		return 0;
	}

	if (rm == 4) {
		ret = take(d, &sib);
		if (ret)
			return ret;
		/* A SIB base of 101 under mod=00 means disp32, no base. */
		if (mod == 0 && MODRM_RM(sib) == 5)
			return skip(d, 4);
	}
	if (mod == 1)
		return skip(d, 1);
	/* mod=00 rm=101 is disp32: RIP-relative in 64-bit mode. */
	if (mod == 2 || (mod == 0 && rm == 5))
		return skip(d, 4);
	return 0;
}

static bool grp7_supported(u8 modrm)
{
	unsigned int i;

	for (i = 0; i < sizeof(grp7_modrm); i++)
		if (grp7_modrm[i] == modrm)
			return true;
	return false;
}

static unsigned int operand_size(const struct decoder *d,
				 const struct hospes_opcode *ent)
{
	if (ent->flags & OPF_BYTE)
		return 1;
	/* CRs are as wide as the mode's GPRs, whatever the prefixes. */
	if (ent->flags & OPF_CR)
		return d->mode == HOSPES_MODE_64 ? 8 : 4;
	/* REX.W wins over 66, but port I/O has no 64-bit form. */
	if ((d->rex & REX_W) && !(ent->flags & OPF_IO))
		return 8;
	if (d->mode == HOSPES_MODE_16)
		return d->opsize_prefix ? 4 : 2;
	return d->opsize_prefix ? 2 : 4;
}

static unsigned int address_size(const struct decoder *d)
{
	switch (d->mode) {
	case HOSPES_MODE_16:
		return d->addrsize_prefix ? 4 : 2;
	case HOSPES_MODE_32:
		return d->addrsize_prefix ? 2 : 4;
	default:
		return d->addrsize_prefix ? 4 : 8;
	}
}

/* Read the immediate of the opcode; MOV stores it sign-extended. */
static int take_imm(struct decoder *d, const struct hospes_opcode *ent,
		    struct hospes_insn *insn)
{
	u64 imm;
	int ret;

	if (ent->flags & OPF_IMM8)
		return take_le(d, 1, &insn->imm);

	/* No immediate is wider than 32 bits: REX.W sign-extends imm32. */
	ret = take_le(d, insn->op_size == 2 ? 2 : 4, &imm);
	if (ret)
		return ret;
	if (insn->op_size == 8)
		imm = (u64)(s64)(s32)(u32)imm;
	insn->imm = imm;
	return 0;
}

int hospes_insn_decode(const u8 *bytes, unsigned int avail,
		       enum hospes_cpu_mode mode, struct hospes_insn *insn)
{
	struct decoder d = {
		.bytes	= bytes,
		.end	= avail < HOSPES_INSN_MAX_LEN ?
			  avail : HOSPES_INSN_MAX_LEN,
		.mode	= mode,
	};
	const struct hospes_opcode *ent;
	bool has_mem = false;
	u8 b, modrm = 0;
	int ret;

	memset(insn, 0, sizeof(*insn));
	if (mode != HOSPES_MODE_16 && mode != HOSPES_MODE_32 &&
	    mode != HOSPES_MODE_64)
		return -EINVAL;

	for (;;) {
		ret = take(&d, &b);
		if (ret)
			return ret;
		/* 40-4F are REX only in 64-bit mode (INC/DEC elsewhere). */
		if (mode == HOSPES_MODE_64 && (b & 0xf0) == 0x40) {
			d.rex = b;
			continue;
		}
		if (!legacy_prefix(&d, insn, b))
			break;
		/* A REX counts only immediately before the opcode. */
		d.rex = 0;
	}

	if (b == 0x0f) {
		insn->two_byte = true;
		ret = take(&d, &b);
		if (ret)
			return ret;
		ent = &two_byte_ops[b];
	} else {
		ent = &one_byte_ops[b];
	}
	insn->opcode = b;

	if (!(ent->flags & OPF_VALID))
		return -EOPNOTSUPP;
	if ((ent->flags & OPF_X64) && mode != HOSPES_MODE_64)
		return -EOPNOTSUPP;
	/* Without F3, 90 is NOP; with REX.B it is XCHG r8, rAX. */
	if ((ent->flags & OPF_PAUSE) &&
	    (d.last_rep != 0xf3 || (d.rex & REX_B)))
		return -EOPNOTSUPP;

	insn->op_size = operand_size(&d, ent);

	if (ent->flags & OPF_MODRM) {
		ret = take(&d, &modrm);
		if (ret)
			return ret;
		if ((ent->flags & OPF_GRP7) && !grp7_supported(modrm))
			return -EOPNOTSUPP;
		if ((ent->flags & OPF_SLASH0) && MODRM_REG(modrm) != 0)
			return -EOPNOTSUPP;
		if (!(ent->flags & (OPF_SLASH0 | OPF_GRP7)))
			insn->reg = MODRM_REG(modrm) | (d.rex & REX_R ? 8 : 0);
		/*
		 * AMD's alternative encoding: LOCK MOV CR0 reaches CR8, for
		 * code outside 64-bit mode that has no REX.R to say so.
		 */
		if ((ent->flags & OPF_CR) && d.lock)
			insn->reg |= 8;
		/* The CPU ignores ModRM.mod for MOV CR: never memory. */
		if (!(ent->flags & OPF_CR) && MODRM_MOD(modrm) != 3) {
			has_mem = true;
			ret = skip_mem_operand(&d, address_size(&d), modrm);
			if (ret)
				return ret;
		}
	}

	if (ent->flags & OPF_MOFFS) {
		has_mem = true;
		ret = skip(&d, address_size(&d));
		if (ret)
			return ret;
	}

	if (ent->flags & (OPF_IMM8 | OPF_IMMZ)) {
		ret = take_imm(&d, ent, insn);
		if (ret)
			return ret;
	}

	if (has_mem && ent->op != HOSPES_INSN_OTHER) {
		insn->op = ent->op;
		insn->mem_size = insn->op_size;
		if (ent->mem_max && ent->mem_max < insn->mem_size)
			insn->mem_size = ent->mem_max;
	}
	/* INS/OUTS move data between the port and memory at rDI/rSI. */
	if (ent->flags & OPF_STR)
		insn->mem_size = insn->op_size;

	/* Any REX turns byte registers 4-7 into SPL/BPL/SIL/DIL. */
	insn->high_byte = (ent->flags & OPF_BYTE) && (ent->flags & OPF_MODRM) &&
			  !d.rex && insn->reg >= 4 && insn->reg <= 7;
	insn->len = d.pos;
	return 0;
}
