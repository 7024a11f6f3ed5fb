// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel I/O APIC (an 82093AA: 24 pins at 0xfec00000), created
 * with the local APICs by HOSPES_CREATE_IRQCHIP. Device models in
 * userspace drive its pins with HOSPES_IRQ_LINE; each pin's redirection
 * entry routes it to local APICs. Edge-triggered pins deliver on a rising
 * edge; level-triggered ones while high, once per EOI (remote IRR).
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hospes.h"

#define IOAPIC_BASE	0xfec00000ULL
#define IOAPIC_SIZE	0x20
#define IOAPIC_PINS	24
#define IOREGSEL	0x00
#define IOWIN		0x10
#define REG_ID		0x00
#define REG_VERSION	0x01
#define REG_ARB		0x02
#define REG_REDIR	0x10
/* Version 0x11 with 24 entries, as the 82093AA reports. */
#define IOAPIC_VERSION	(0x11 | ((IOAPIC_PINS - 1) << 16))

#define RTE_VECTOR(rte)	((rte) & 0xff)
#define RTE_REMOTE_IRR	BIT_ULL(14)
#define RTE_LEVEL	BIT_ULL(15)
#define RTE_MASKED	BIT_ULL(16)
#define RTE_DEST(rte)	((u32)((rte) >> 56))
/* What the guest may write: all but delivery status and remote IRR. */
#define RTE_WRITABLE	(GENMASK_ULL(11, 0) | BIT_ULL(13) | RTE_LEVEL | \
			 RTE_MASKED | GENMASK_ULL(63, 56))

struct hospes_ioapic {
	spinlock_t lock;		/* taken from any vCPU and the IRQ ioctl */
	u32 ioregsel;
	u32 id;
	u64 rte[IOAPIC_PINS];
	unsigned long line;	/* pin levels as the devices drive them */
};

int hospes_ioapic_create(struct hospes_vm *vm)
{
	struct hospes_ioapic *io;
	int i;

	io = kzalloc(sizeof(*io), GFP_KERNEL_ACCOUNT);
	if (!io)
		return -ENOMEM;
	spin_lock_init(&io->lock);
	for (i = 0; i < IOAPIC_PINS; i++)
		io->rte[i] = RTE_MASKED;
	vm->ioapic = io;
	return 0;
}

void hospes_ioapic_free(struct hospes_vm *vm)
{
	kfree(vm->ioapic);
	vm->ioapic = NULL;
}

/* Send pin's interrupt if its entry lets it. Caller holds io->lock. */
static void ioapic_service(struct hospes_vm *vm, int pin)
{
	struct hospes_ioapic *io = vm->ioapic;
	u64 rte = io->rte[pin];

	if (rte & RTE_MASKED)
		return;
	if (rte & RTE_LEVEL) {
		if (rte & RTE_REMOTE_IRR)
			return;
		io->rte[pin] |= RTE_REMOTE_IRR;
	}
	hospes_lapic_deliver(vm, NULL, (u32)rte & 0xfff, RTE_DEST(rte),
			     rte & RTE_LEVEL);
}

int hospes_ioapic_set_line(struct hospes_vm *vm,
			   struct hospes_irq_level __user *ul)
{
	struct hospes_ioapic *io = vm->ioapic;
	struct hospes_irq_level irq;
	unsigned long flags;
	bool was;

	if (copy_from_user(&irq, ul, sizeof(irq)))
		return -EFAULT;
	if (!io)
		return -ENXIO;
	if (irq.irq >= IOAPIC_PINS || irq.level > 1)
		return -EINVAL;
	spin_lock_irqsave(&io->lock, flags);
	was = test_bit(irq.irq, &io->line);
	if (irq.level)
		__set_bit(irq.irq, &io->line);
	else
		__clear_bit(irq.irq, &io->line);
	/* Edge: the rising edge. Level: whenever high and not in service. */
	if (irq.level && (!was || (io->rte[irq.irq] & RTE_LEVEL)))
		ioapic_service(vm, irq.irq);
	spin_unlock_irqrestore(&io->lock, flags);
	return 0;
}

/* A local APIC took EOI for a level-triggered vector. */
void hospes_ioapic_eoi(struct hospes_vm *vm, int vector)
{
	struct hospes_ioapic *io = vm->ioapic;
	unsigned long flags;
	int pin;

	if (!io)
		return;
	spin_lock_irqsave(&io->lock, flags);
	for (pin = 0; pin < IOAPIC_PINS; pin++) {
		if (RTE_VECTOR(io->rte[pin]) != vector ||
		    !(io->rte[pin] & RTE_REMOTE_IRR))
			continue;
		io->rte[pin] &= ~RTE_REMOTE_IRR;
		/* Still asserted: it fires again. */
		if (test_bit(pin, &io->line))
			ioapic_service(vm, pin);
	}
	spin_unlock_irqrestore(&io->lock, flags);
}

static u32 ioapic_read(struct hospes_ioapic *io)
{
	u32 reg = io->ioregsel, pin = (reg - REG_REDIR) / 2;

	switch (reg) {
	case REG_ID:
	case REG_ARB:
		return io->id;
	case REG_VERSION:
		return IOAPIC_VERSION;
	default:
		if (reg < REG_REDIR || pin >= IOAPIC_PINS)
			return 0;
		return (reg & 1) ? io->rte[pin] >> 32 : (u32)io->rte[pin];
	}
}

static void ioapic_write(struct hospes_vm *vm, u32 val)
{
	struct hospes_ioapic *io = vm->ioapic;
	u32 reg = io->ioregsel, pin = (reg - REG_REDIR) / 2;
	u64 rte;

	if (reg == REG_ID) {
		io->id = val & 0x0f000000;
		return;
	}
	if (reg < REG_REDIR || pin >= IOAPIC_PINS)
		return;
	rte = io->rte[pin];
	if (reg & 1)
		rte = (rte & 0xffffffffULL) | ((u64)val << 32);
	else
		rte = (rte & ~0xffffffffULL) | val;
	io->rte[pin] = (rte & RTE_WRITABLE) | (io->rte[pin] & RTE_REMOTE_IRR);
	/* A level line held high while masked fires once unmasked. */
	if ((io->rte[pin] & RTE_LEVEL) && test_bit(pin, &io->line))
		ioapic_service(vm, pin);
}

bool hospes_ioapic_mmio(struct hospes_vcpu *vcpu, u64 gpa, unsigned int len,
			bool write, u64 *data)
{
	struct hospes_vm *vm = vcpu->vm;
	struct hospes_ioapic *io = vm->ioapic;
	unsigned long flags;
	u32 off;

	if (!io || gpa < IOAPIC_BASE || gpa - IOAPIC_BASE >= IOAPIC_SIZE)
		return false;
	off = gpa - IOAPIC_BASE;
	spin_lock_irqsave(&io->lock, flags);
	if (write) {
		if (off == IOREGSEL)
			io->ioregsel = *data & 0xff;
		else if (off == IOWIN)
			ioapic_write(vm, *data);
	} else {
		*data = off == IOREGSEL ? io->ioregsel :
			off == IOWIN ? ioapic_read(io) : 0;
	}
	spin_unlock_irqrestore(&io->lock, flags);
	return true;
}

int hospes_ioapic_get_state(struct hospes_vm *vm,
			    struct hospes_ioapic_state __user *us)
{
	struct hospes_ioapic *io = vm->ioapic;
	struct hospes_ioapic_state st = { 0 };
	unsigned long flags;

	if (!io)
		return -ENXIO;
	spin_lock_irqsave(&io->lock, flags);
	st.ioregsel = io->ioregsel;
	st.id = io->id;
	memcpy(st.redir, io->rte, sizeof(st.redir));
	st.lines = io->line;
	spin_unlock_irqrestore(&io->lock, flags);
	return copy_to_user(us, &st, sizeof(st)) ? -EFAULT : 0;
}

int hospes_ioapic_set_state(struct hospes_vm *vm,
			    struct hospes_ioapic_state __user *us)
{
	struct hospes_ioapic *io = vm->ioapic;
	struct hospes_ioapic_state st;
	unsigned long flags;
	int pin;

	if (!io)
		return -ENXIO;
	if (copy_from_user(&st, us, sizeof(st)))
		return -EFAULT;
	if (st.pad || memchr_inv(st.reserved, 0, sizeof(st.reserved)) ||
	    st.lines >> IOAPIC_PINS)
		return -EINVAL;
	for (pin = 0; pin < IOAPIC_PINS; pin++)
		if (st.redir[pin] & ~(RTE_WRITABLE | RTE_REMOTE_IRR))
			return -EINVAL;
	spin_lock_irqsave(&io->lock, flags);
	io->ioregsel = st.ioregsel & 0xff;
	io->id = st.id & 0x0f000000;
	memcpy(io->rte, st.redir, sizeof(io->rte));
	io->line = st.lines;
	spin_unlock_irqrestore(&io->lock, flags);
	return 0;
}
