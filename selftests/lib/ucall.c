// SPDX-License-Identifier: GPL-2.0-only
/*
 * ucall: the guest's messages to the host (GUEST_SYNC/ASSERT/DONE), and the
 * host's decoding and description of exits.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "hospes_util.h"

/* ---- guest side ------------------------------------------------------ */

static void ucall_send(struct ucall *uc)
{
	/*
	 * Guest stacks are below 4 GiB and identity mapped, so the address
	 * fits a 32-bit OUT; RDI carries the full pointer as well.
	 */
	asm volatile("outl %%eax, %%dx"
		     : : "a"((uint32_t)(uintptr_t)uc), "d"(UCALL_PORT), "D"(uc)
		     : "memory");
}

static void ucall_fill(struct ucall *uc, uint64_t cmd, int nargs, va_list ap)
{
	int i;

	uc->cmd = cmd;
	uc->nargs = nargs;
	for (i = 0; i < UCALL_MAX_ARGS; i++)
		uc->args[i] = i < nargs ? va_arg(ap, uint64_t) : 0;
	uc->file = 0;
	uc->expr = 0;
	uc->line = 0;
}

void ucall(uint64_t cmd, int nargs, ...)
{
	struct ucall uc;
	va_list ap;

	va_start(ap, nargs);
	ucall_fill(&uc, cmd, nargs, ap);
	va_end(ap);
	ucall_send(&uc);
}

void ucall_assert(const char *file, int line, const char *expr, int nargs, ...)
{
	struct ucall uc;
	va_list ap;

	va_start(ap, nargs);
	ucall_fill(&uc, UCALL_ASSERT, nargs, ap);
	va_end(ap);
	uc.file = (uintptr_t)file;
	uc.line = line;
	uc.expr = (uintptr_t)expr;
	/* A failed guest assertion never continues. */
	for (;;)
		ucall_send(&uc);
}

/* ---- host side ------------------------------------------------------- */

int hvcpu_run(struct hvcpu *vcpu)
{
	int ret = ioctl(vcpu->fd, HOSPES_RUN, 0);

	vcpu->run_errno = ret ? errno : 0;
	if (ret)
		errno = vcpu->run_errno;
	return ret;
}

uint64_t hvcpu_get_ucall(struct hvcpu *vcpu, struct ucall *uc)
{
	struct hospes_run *run = vcpu->run;
	struct ucall *guest;
	uint64_t gpa;

	memset(&vcpu->uc, 0, sizeof(vcpu->uc));
	if (uc)
		memset(uc, 0, sizeof(*uc));
	if (run->exit_reason != HOSPES_EXIT_IO || run->io.port != UCALL_PORT ||
	    run->io.direction != HOSPES_EXIT_IO_OUT || run->io.size != 4)
		return UCALL_NONE;

	gpa = hvm_gva2gpa(vcpu->vm, (uint32_t)run->io.data);
	guest = gpa == ~0ull ? NULL : hvm_gpa2hva(vcpu->vm, gpa);
	HOSPES_CHECK(guest && hvm_gpa2hva(vcpu->vm, gpa + sizeof(*guest) - 1) ==
			      (uint8_t *)guest + sizeof(*guest) - 1,
		     "ucall with a bad address %#llx",
		     (unsigned long long)run->io.data);
	vcpu->uc = *guest;
	if (uc)
		*uc = vcpu->uc;
	return vcpu->uc.cmd;
}

static const char *const exit_names[] = {
	[HOSPES_EXIT_NONE] = "NONE",
	[HOSPES_EXIT_IO] = "IO",
	[HOSPES_EXIT_MMIO] = "MMIO",
	[HOSPES_EXIT_HYPERCALL] = "HYPERCALL",
	[HOSPES_EXIT_HLT] = "HLT",
	[HOSPES_EXIT_SHUTDOWN] = "SHUTDOWN",
	[HOSPES_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[HOSPES_EXIT_INTR] = "INTR",
	[HOSPES_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[HOSPES_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[HOSPES_EXIT_EVTCHN] = "EVTCHN",
};

const char *hospes_exit_name(uint32_t reason)
{
	if (reason < ARRAY_LEN(exit_names) && exit_names[reason])
		return exit_names[reason];
	return "(unknown exit reason)";
}

static const char *const ucall_names[] = {
	[UCALL_NONE] = "NONE (not a ucall)",
	[UCALL_SYNC] = "SYNC",
	[UCALL_DONE] = "DONE",
	[UCALL_ASSERT] = "ASSERT",
	[UCALL_UNHANDLED] = "UNHANDLED",
};

const char *hospes_ucall_name(uint64_t cmd)
{
	return cmd < ARRAY_LEN(ucall_names) ? ucall_names[cmd] : "(unknown ucall)";
}

static const char *const internal_names[] = {
	[HOSPES_INTERNAL_ERROR_ENTRY_FAILED] = "ENTRY_FAILED",
	[HOSPES_INTERNAL_ERROR_UNHANDLED_EXIT] = "UNHANDLED_EXIT",
	[HOSPES_INTERNAL_ERROR_EMULATION] = "EMULATION",
	[HOSPES_INTERNAL_ERROR_STRING_IO] = "STRING_IO",
	[HOSPES_INTERNAL_ERROR_BAD_MEMORY] = "BAD_MEMORY",
};

static const char *const vector_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO",
	"#TS", "#NP", "#SS", "#GP", "#PF", "15", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP", "22", "23", "24", "25", "26", "27", "#HV", "#VC", "#SX",
	"31",
};

/* A NUL-terminated string of the guest image, copied to buf. */
static const char *guest_string(struct hvm *vm, uint64_t gva, char *buf,
				size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		const char *c = hvm_gva2hva(vm, gva + i);

		if (!c) {
			snprintf(buf, len, "(bad guest string %#llx)",
				 (unsigned long long)gva);
			return buf;
		}
		buf[i] = *c;
		if (!*c)
			return buf;
	}
	buf[i] = 0;
	return buf;
}

static void describe_ucall(struct hvcpu *vcpu, const struct ucall *uc,
			   char *buf, size_t len)
{
	char file[128], expr[192];
	int n;

	switch (uc->cmd) {
	case UCALL_ASSERT:
		n = snprintf(buf, len, "guest assertion failed at %s:%llu: %s",
			     guest_string(vcpu->vm, uc->file, file, sizeof(file)),
			     (unsigned long long)uc->line,
			     guest_string(vcpu->vm, uc->expr, expr, sizeof(expr)));
		if (uc->nargs == 2 && n > 0 && (size_t)n < len)
			snprintf(buf + n, len - n, " (%#llx vs %#llx)",
				 (unsigned long long)uc->args[0],
				 (unsigned long long)uc->args[1]);
		break;
	case UCALL_UNHANDLED:
		snprintf(buf, len,
			 "unexpected guest exception/interrupt vector %llu (%s), error code %#llx, at rip %#llx",
			 (unsigned long long)uc->args[0],
			 uc->args[0] < 32 ? vector_names[uc->args[0]] : "IRQ",
			 (unsigned long long)uc->args[1],
			 (unsigned long long)uc->args[2]);
		break;
	case UCALL_SYNC:
		snprintf(buf, len, "ucall SYNC stage %llu (%#llx, %#llx)",
			 (unsigned long long)uc->args[0],
			 (unsigned long long)uc->args[1],
			 (unsigned long long)uc->args[2]);
		break;
	default:
		snprintf(buf, len, "ucall %s", hospes_ucall_name(uc->cmd));
	}
}

const char *hvcpu_describe_exit(struct hvcpu *vcpu, char *buf, size_t len)
{
	struct hospes_run *run = vcpu->run;
	char *start = buf;
	struct ucall uc;
	unsigned int i;
	int n;

	if (hvcpu_get_ucall(vcpu, &uc) != UCALL_NONE) {
		describe_ucall(vcpu, &uc, buf, len);
		return buf;
	}

	n = snprintf(buf, len, "exit %s (%u) at rip %#llx",
		     hospes_exit_name(run->exit_reason), run->exit_reason,
		     (unsigned long long)run->rip);
	if (n < 0 || (size_t)n >= len)
		return start;
	buf += n;
	len -= n;
	switch (run->exit_reason) {
	case HOSPES_EXIT_IO:
		snprintf(buf, len, ": %s port %#x size %u data %#llx",
			 run->io.direction == HOSPES_EXIT_IO_OUT ? "OUT" : "IN",
			 run->io.port, run->io.size,
			 (unsigned long long)run->io.data);
		break;
	case HOSPES_EXIT_MMIO: {
		uint64_t data = 0;

		memcpy(&data, run->mmio.data, sizeof(data));
		snprintf(buf, len, ": %s gpa %#llx len %u data %#llx",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.gpa, run->mmio.len,
			 (unsigned long long)data);
		break;
	}
	case HOSPES_EXIT_HYPERCALL:
		snprintf(buf, len, ": nr %#llx args %#llx %#llx %#llx %#llx %#llx",
			 (unsigned long long)run->hypercall.nr,
			 (unsigned long long)run->hypercall.args[0],
			 (unsigned long long)run->hypercall.args[1],
			 (unsigned long long)run->hypercall.args[2],
			 (unsigned long long)run->hypercall.args[3],
			 (unsigned long long)run->hypercall.args[4]);
		break;
	case HOSPES_EXIT_SYSTEM_EVENT:
		snprintf(buf, len, ": type %u code %#llx", run->system_event.type,
			 (unsigned long long)run->system_event.code);
		break;
	case HOSPES_EXIT_EVTCHN:
		snprintf(buf, len, ": port %u", run->evtchn.port);
		break;
	case HOSPES_EXIT_INTERNAL_ERROR:
		n = snprintf(buf, len, ": suberror %u (%s), %u data:",
			     run->internal.suberror,
			     run->internal.suberror < ARRAY_LEN(internal_names) &&
			     internal_names[run->internal.suberror] ?
			     internal_names[run->internal.suberror] : "unknown",
			     run->internal.ndata);
		for (i = 0; i < run->internal.ndata && i < 6 && n > 0 &&
			    (size_t)n < len; i++)
			n += snprintf(buf + n, len - n, " %#llx",
				      (unsigned long long)run->internal.data[i]);
		break;
	}
	return start;
}
