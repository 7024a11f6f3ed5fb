// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPUs: the vCPU file descriptor, its run area, its ioctls and the run
 * loop that enters the guest through the backend.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>

#include "hospes.h"

#define RFLAGS_FIXED_1		BIT(1)
#define RFLAGS_IF		BIT(9)
/* CF..ID: the flags a guest can hold; the rest are reserved. */
#define RFLAGS_VALID		GENMASK(21, 0)
#define RFLAGS_RESERVED_0	(BIT(3) | BIT(5) | BIT(15))

void hospes_vcpu_stats_add(struct hospes_stats *sum,
			   const struct hospes_stats *s)
{
	const u64 *from = &s->runs, *end = &s->tlb_flushes;
	u64 *to = &sum->runs;

	while (from <= end)
		*to++ += *from++;
}

static void kick_ipi(void *unused)
{
	/* The interrupt itself made the vCPU leave the guest. */
}

/*
 * Make the vCPU leave guest mode soon, so it looks at its requests. With
 * wait (process context only), return once it has left.
 */
void hospes_vcpu_kick(struct hospes_vcpu *vcpu, bool wait)
{
	int cpu, me;

	/* The request bit must be visible before the mode is read. */
	smp_mb__after_atomic();
	if (READ_ONCE(vcpu->mode) != HOSPES_IN_GUEST)
		return;
	cpu = READ_ONCE(vcpu->cpu);
	me = get_cpu();
	if (cpu >= 0 && cpu != me) {
		if (wait)
			smp_call_function_single(cpu, kick_ipi, NULL, 1);
		else	/* any interrupt will do; this one needs no call data */
			smp_send_reschedule(cpu);
	}
	put_cpu();
}

/* Something the vCPU may be waiting for happened: have it look. */
void hospes_vcpu_wake(struct hospes_vcpu *vcpu)
{
	set_bit(HOSPES_REQ_EVENT, &vcpu->requests);
	hospes_vcpu_kick(vcpu, false);
	wake_up_interruptible(&vcpu->wq);
}

/*
 * Inject a queued interrupt, or the event-channel upcall, if the guest can
 * take one now; otherwise ask to exit as soon as it can. The upcall stays
 * pending in shared info until the guest clears it.
 */
static void inject_pending_event(struct hospes_vcpu *vcpu)
{
	int vector = READ_ONCE(vcpu->pending_irq);
	int apic_vector = hospes_lapic_pending_vector(vcpu);

	if (vector < 0)
		vector = apic_vector;
	if (vector < 0 && hospes_evtchn_upcall(vcpu, false))
		vector = READ_ONCE(vcpu->vm->upcall_vector);
	if (vector >= 0) {
		if (hospes_ops->interrupt_allowed(vcpu)) {
			hospes_ops->inject_irq(vcpu, vector);
			if (vector == apic_vector)
				hospes_lapic_accept(vcpu, vector);
			else
				cmpxchg(&vcpu->pending_irq, vector, -1);
			vcpu->stats.injected_irqs++;
		} else {
			hospes_ops->enable_irq_window(vcpu);
		}
	} else if (vcpu->run->request_interrupt_window &&
		   !hospes_ops->interrupt_allowed(vcpu)) {
		hospes_ops->enable_irq_window(vcpu);
	}
}

/* Enter the guest once; returns as the backend's exit handler does. */
static int vcpu_enter_once(struct hospes_vcpu *vcpu)
{
	bool flush;

	preempt_disable();
	local_irq_disable();
	vcpu->cpu = smp_processor_id();
	/* The guest's FPU state must be in the registers, not just in memory. */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	/* Pairs with the barrier in hospes_vcpu_kick(). */
	smp_store_mb(vcpu->mode, HOSPES_IN_GUEST);
	if (signal_pending(current) || need_resched()) {
		WRITE_ONCE(vcpu->mode, HOSPES_OUTSIDE_GUEST);
		local_irq_enable();
		preempt_enable();
		return 1;
	}
	flush = test_and_clear_bit(HOSPES_REQ_TLB_FLUSH, &vcpu->requests);
	clear_bit(HOSPES_REQ_EVENT, &vcpu->requests);
	if (flush)
		vcpu->stats.tlb_flushes++;
	inject_pending_event(vcpu);

	hospes_ops->vcpu_enter(vcpu, flush);

	WRITE_ONCE(vcpu->mode, HOSPES_OUTSIDE_GUEST);
	vcpu->last_cpu = vcpu->cpu;
	vcpu->cpu = -1;
	/* Host interrupts that arrived in the guest are taken here. */
	local_irq_enable();
	preempt_enable();

	vcpu->stats.exits++;
	return hospes_ops->handle_exit(vcpu);
}

/* Would an interrupt be delivered to the guest if it enabled them? */
bool hospes_vcpu_has_interrupt(struct hospes_vcpu *vcpu)
{
	return READ_ONCE(vcpu->pending_irq) >= 0 ||
	       hospes_lapic_pending_vector(vcpu) >= 0 ||
	       hospes_evtchn_upcall(vcpu, false);
}

static bool vcpu_should_wake(struct hospes_vcpu *vcpu)
{
	switch (vcpu->wait) {
	case HOSPES_WAIT_FOR_SIPI:
		return hospes_lapic_wakes(vcpu);
	case HOSPES_WAIT_PV_BLOCK:
		return hospes_vcpu_has_interrupt(vcpu) ||
		       hospes_evtchn_upcall(vcpu, true);
	default:
		return hospes_vcpu_has_interrupt(vcpu) ||
		       hospes_lapic_wakes(vcpu);
	}
}

/* A halted or blocked vCPU sleeps until something it waits for happens. */
static int vcpu_block(struct hospes_vcpu *vcpu)
{
	if (wait_event_interruptible(vcpu->wq, vcpu_should_wake(vcpu)))
		return -EINTR;
	/* Only a startup IPI ends the wait for one, and it is handled later. */
	if (vcpu->wait != HOSPES_WAIT_FOR_SIPI)
		vcpu->wait = HOSPES_WAIT_NONE;
	vcpu->stats.halt_wakeups++;
	return 1;
}

/* Finish the instruction whose exit userspace (or the kernel) handled. */
void hospes_complete_pending(struct hospes_vcpu *vcpu)
{
	struct hospes_pending *p = &vcpu->pending;
	struct hospes_run *run = vcpu->run;
	u64 *rax = &vcpu->gpr[HOSPES_RAX];

	switch (p->op) {
	case HOSPES_PENDING_IO_IN:
		if (p->size == 4)
			*rax = (u32)run->io.data;
		else if (p->size == 2)
			*rax = (*rax & ~0xffffULL) | (u16)run->io.data;
		else
			*rax = (*rax & ~0xffULL) | (u8)run->io.data;
		break;
	case HOSPES_PENDING_MMIO_READ:
		hospes_complete_mmio_read(vcpu);
		break;
	case HOSPES_PENDING_HYPERCALL:
		*rax = run->hypercall.ret;
		break;
	case HOSPES_PENDING_NONE:
		return;
	}
	vcpu->rip = p->next_rip;
	hospes_ops->clear_interrupt_shadow(vcpu);
	p->op = HOSPES_PENDING_NONE;
}

static int vcpu_run(struct hospes_vcpu *vcpu)
{
	struct hospes_run *run = vcpu->run;
	int ret;

	if (memchr_inv(run->pad_in, 0, sizeof(run->pad_in)))
		return -EINVAL;
	vcpu->stats.runs++;
	if (vcpu->reset_pending)
		hospes_vcpu_reset(vcpu);
	hospes_complete_pending(vcpu);
	run->exit_reason = HOSPES_EXIT_NONE;

	if (READ_ONCE(run->immediate_exit)) {
		ret = -EINTR;
		goto out;
	}
	ret = fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	if (ret)
		goto out;
	for (;;) {
		ret = hospes_lapic_init_sipi(vcpu);
		if (ret)
			break;
		if (vcpu->wait != HOSPES_WAIT_NONE) {
			ret = vcpu_block(vcpu);
			if (ret < 0)
				break;
			continue;
		}
		hospes_pvtime_tick(vcpu->vm);
		ret = vcpu_enter_once(vcpu);
		if (ret <= 0)
			break;
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
out:
	if (ret == -EINTR) {
		run->exit_reason = HOSPES_EXIT_INTR;
		vcpu->stats.signal_exits++;
	} else if (ret == 0) {
		vcpu->stats.exits_to_user++;
	}
	run->rip = vcpu->rip;
	run->if_flag = !!(vcpu->rflags & RFLAGS_IF);
	run->ready_for_interrupt_injection =
		READ_ONCE(vcpu->pending_irq) < 0 &&
		hospes_ops->interrupt_allowed(vcpu);
	return ret;
}

static void regs_to_user(struct hospes_vcpu *vcpu, struct hospes_regs *r)
{
	const u64 *g = vcpu->gpr;

	*r = (struct hospes_regs) {
		.rax = g[HOSPES_RAX], .rbx = g[HOSPES_RBX],
		.rcx = g[HOSPES_RCX], .rdx = g[HOSPES_RDX],
		.rsi = g[HOSPES_RSI], .rdi = g[HOSPES_RDI],
		.rsp = g[HOSPES_RSP], .rbp = g[HOSPES_RBP],
		.r8 = g[HOSPES_R8], .r9 = g[HOSPES_R9],
		.r10 = g[HOSPES_R10], .r11 = g[HOSPES_R11],
		.r12 = g[HOSPES_R12], .r13 = g[HOSPES_R13],
		.r14 = g[HOSPES_R14], .r15 = g[HOSPES_R15],
		.rip = vcpu->rip, .rflags = vcpu->rflags,
	};
}

static int regs_from_user(struct hospes_vcpu *vcpu, const struct hospes_regs *r)
{
	u64 *g = vcpu->gpr;

	if ((r->rflags & ~RFLAGS_VALID) || (r->rflags & RFLAGS_RESERVED_0))
		return -EINVAL;
	g[HOSPES_RAX] = r->rax;
	g[HOSPES_RBX] = r->rbx;
	g[HOSPES_RCX] = r->rcx;
	g[HOSPES_RDX] = r->rdx;
	g[HOSPES_RSI] = r->rsi;
	g[HOSPES_RDI] = r->rdi;
	g[HOSPES_RSP] = r->rsp;
	g[HOSPES_RBP] = r->rbp;
	g[HOSPES_R8] = r->r8;
	g[HOSPES_R9] = r->r9;
	g[HOSPES_R10] = r->r10;
	g[HOSPES_R11] = r->r11;
	g[HOSPES_R12] = r->r12;
	g[HOSPES_R13] = r->r13;
	g[HOSPES_R14] = r->r14;
	g[HOSPES_R15] = r->r15;
	vcpu->rip = r->rip;
	vcpu->rflags = r->rflags | RFLAGS_FIXED_1;
	/* Userspace took over: an unfinished instruction stays unfinished. */
	vcpu->pending.op = HOSPES_PENDING_NONE;
	return 0;
}

/* Padding and reserved fields are zero, so they can mean something later. */
static bool sregs_padding_clear(const struct hospes_sregs *s)
{
	const struct hospes_segment *segs[] = {
		&s->cs, &s->ds, &s->es, &s->fs, &s->gs, &s->ss, &s->tr, &s->ldt,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		if (segs[i]->pad)
			return false;
	return !memchr_inv(s->gdt.pad, 0, sizeof(s->gdt.pad)) &&
	       !memchr_inv(s->idt.pad, 0, sizeof(s->idt.pad)) &&
	       !memchr_inv(s->reserved, 0, sizeof(s->reserved));
}

/*
 * GET/SET_MSRS: the whole request is checked before any MSR is touched,
 * so a malformed entry never leaves a SET half done.
 */
static int vcpu_msrs(struct hospes_vcpu *vcpu, struct hospes_msrs __user *um,
		     bool set)
{
	struct hospes_msr_entry *e;
	u32 n, pad, i;
	int ret;

	if (get_user(n, &um->nmsrs) || get_user(pad, &um->pad))
		return -EFAULT;
	if (n > HOSPES_MAX_MSR_ENTRIES || pad)
		return -EINVAL;
	e = memdup_user(um->entries, n * sizeof(*e));
	if (IS_ERR(e))
		return PTR_ERR(e);
	ret = -EINVAL;
	for (i = 0; i < n; i++)
		if (e[i].reserved)
			goto out;

	for (i = 0; i < n; i++) {
		if (set ? hospes_msr_set(vcpu, e[i].index, e[i].data, true) :
			  hospes_msr_get(vcpu, e[i].index, &e[i].data))
			break;
	}
	ret = i;
	if (!set && copy_to_user(um->entries, e, i * sizeof(*e)))
		ret = -EFAULT;
out:
	kfree(e);
	return ret;
}

static int vcpu_interrupt(struct hospes_vcpu *vcpu,
			  struct hospes_interrupt __user *ui)
{
	struct hospes_interrupt irq;

	if (copy_from_user(&irq, ui, sizeof(irq)))
		return -EFAULT;
	/* 0..31 are exceptions, not interrupts a device can raise. */
	if (irq.pad || irq.vector < 32 || irq.vector > 255)
		return -EINVAL;
	if (vcpu->lapic) {
		hospes_lapic_set_irq(vcpu, irq.vector);
		return 0;
	}
	if (cmpxchg(&vcpu->pending_irq, -1, (int)irq.vector) != -1)
		return -EBUSY;
	hospes_vcpu_wake(vcpu);
	return 0;
}

static long vcpu_ioctl_locked(struct hospes_vcpu *vcpu, unsigned int cmd,
			      void __user *argp)
{
	union {
		struct hospes_regs regs;
		struct hospes_sregs sregs;
		struct hospes_stats stats;
	} u;

	switch (cmd) {
	case HOSPES_RUN:
		if (argp)
			return -EINVAL;
		return vcpu_run(vcpu);
	case HOSPES_GET_REGS:
		regs_to_user(vcpu, &u.regs);
		return copy_to_user(argp, &u.regs, sizeof(u.regs)) ? -EFAULT : 0;
	case HOSPES_SET_REGS:
		if (copy_from_user(&u.regs, argp, sizeof(u.regs)))
			return -EFAULT;
		return regs_from_user(vcpu, &u.regs);
	case HOSPES_GET_SREGS:
		memset(&u.sregs, 0, sizeof(u.sregs));
		hospes_ops->get_sregs(vcpu, &u.sregs);
		return copy_to_user(argp, &u.sregs, sizeof(u.sregs)) ? -EFAULT : 0;
	case HOSPES_SET_SREGS:
		if (copy_from_user(&u.sregs, argp, sizeof(u.sregs)))
			return -EFAULT;
		if (!sregs_padding_clear(&u.sregs))
			return -EINVAL;
		return hospes_ops->set_sregs(vcpu, &u.sregs);
	case HOSPES_GET_MSRS:
		return vcpu_msrs(vcpu, argp, false);
	case HOSPES_SET_MSRS:
		return vcpu_msrs(vcpu, argp, true);
	case HOSPES_SET_CPUID:
		return hospes_set_cpuid(vcpu, argp);
	case HOSPES_GET_CPUID:
		return hospes_get_cpuid(vcpu, argp);
	case HOSPES_GET_VCPU_EVENTS:
		return hospes_get_vcpu_events(vcpu, argp);
	case HOSPES_SET_VCPU_EVENTS:
		return hospes_set_vcpu_events(vcpu, argp);
	case HOSPES_GET_LAPIC:
		return hospes_lapic_get_state(vcpu, argp);
	case HOSPES_SET_LAPIC:
		return hospes_lapic_set_state(vcpu, argp);
	case HOSPES_GET_XSAVE:
		return hospes_get_xsave(vcpu, argp);
	case HOSPES_SET_XSAVE:
		return hospes_set_xsave(vcpu, argp);
	case HOSPES_GET_VCPU_STATS:
		u.stats = vcpu->stats;
		u.stats.size = sizeof(u.stats);
		return copy_to_user(argp, &u.stats, sizeof(u.stats)) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

static long vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct hospes_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	/* Any thread may raise an interrupt, even while the vCPU runs. */
	if (cmd == HOSPES_INTERRUPT)
		return vcpu_interrupt(vcpu, argp);

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	ret = vcpu_ioctl_locked(vcpu, cmd, argp);
	mutex_unlock(&vcpu->mutex);
	return ret;
}

static vm_fault_t run_area_fault(struct vm_fault *vmf)
{
	struct hospes_vcpu *vcpu = vmf->vma->vm_file->private_data;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(vcpu->run);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct run_area_vm_ops = {
	.fault = run_area_fault,
};

static int vcpu_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	vma->vm_ops = &run_area_vm_ops;
	return 0;
}

/* The architectural reset state, as after power-on or a triple fault. */
void hospes_vcpu_reset(struct hospes_vcpu *vcpu)
{
	memset(vcpu->gpr, 0, sizeof(vcpu->gpr));
	vcpu->rip = 0xfff0;
	vcpu->rflags = RFLAGS_FIXED_1;
	vcpu->wait = HOSPES_WAIT_NONE;
	vcpu->reset_pending = false;
	vcpu->pending.op = HOSPES_PENDING_NONE;
	hospes_ops->vcpu_reset(vcpu);
}

static void vcpu_free(struct hospes_vcpu *vcpu)
{
	hospes_lapic_free(vcpu);
	hrtimer_cancel(&vcpu->pv_timer);
	hospes_ops->vcpu_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
	free_page((unsigned long)vcpu->run);
	kvfree(vcpu->cpuid);
	kfree(vcpu);
}

static int vcpu_release(struct inode *inode, struct file *file)
{
	struct hospes_vcpu *vcpu = file->private_data;
	struct hospes_vm *vm = vcpu->vm;
	unsigned long flags;

	mutex_lock(&vm->lock);
	/* After this, no event can find the vCPU to wake it. */
	spin_lock_irqsave(&vm->pv_lock, flags);
	vm->vcpus[vcpu->id] = NULL;
	spin_unlock_irqrestore(&vm->pv_lock, flags);
	spin_lock(&vm->stats_lock);
	hospes_vcpu_stats_add(&vm->dead_stats, &vcpu->stats);
	spin_unlock(&vm->stats_lock);
	mutex_unlock(&vm->lock);

	vcpu_free(vcpu);
	hospes_vm_put(vm);
	return 0;
}

static const struct file_operations vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= vcpu_release,
	.unlocked_ioctl	= vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= vcpu_mmap,
	.llseek		= noop_llseek,
};

static struct hospes_vcpu *vcpu_alloc(struct hospes_vm *vm, u32 id)
{
	struct hospes_vcpu *vcpu;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return NULL;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->cpu = -1;
	vcpu->last_cpu = -1;
	vcpu->pending_irq = -1;
	vcpu->stats.vcpus = 1;
	mutex_init(&vcpu->mutex);
	init_waitqueue_head(&vcpu->wq);
	hospes_pv_timer_init(vcpu);

	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run)
		goto err_free;
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu))
		goto err_run;
	if (hospes_ops->vcpu_create(vcpu))
		goto err_fpu;
	hospes_vcpu_reset(vcpu);
	if (vm->irqchip && hospes_lapic_create(vcpu))
		goto err_arch;
	return vcpu;

err_arch:
	hospes_ops->vcpu_free(vcpu);
err_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
err_run:
	free_page((unsigned long)vcpu->run);
err_free:
	kfree(vcpu);
	return NULL;
}

int hospes_vcpu_create_fd(struct hospes_vm *vm, unsigned long id)
{
	struct hospes_vcpu *vcpu;
	unsigned long flags;
	struct file *file;
	int fd, ret;

	if (id >= HOSPES_MAX_VCPUS)
		return -EINVAL;

	mutex_lock(&vm->lock);
	ret = -EEXIST;
	if (vm->vcpus[id])
		goto out_unlock;
	ret = -ENOMEM;
	vcpu = vcpu_alloc(vm, id);
	if (!vcpu)
		goto out_unlock;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto out_free;
	}
	file = anon_inode_getfile("hospes-vcpu", &vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		put_unused_fd(fd);
		goto out_free;
	}
	hospes_vm_get(vm);
	spin_lock_irqsave(&vm->pv_lock, flags);
	vm->vcpus[id] = vcpu;
	spin_unlock_irqrestore(&vm->pv_lock, flags);
	spin_lock(&vm->stats_lock);
	vm->dead_stats.vcpus++;
	spin_unlock(&vm->stats_lock);
	mutex_unlock(&vm->lock);
	fd_install(fd, file);
	return fd;

out_free:
	vcpu_free(vcpu);
out_unlock:
	mutex_unlock(&vm->lock);
	return ret;
}
