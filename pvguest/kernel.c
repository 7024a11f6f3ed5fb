// SPDX-License-Identifier: GPL-2.0-only
/*
 * pvguest: start_kernel, the program table, shutdown and panic.
 *
 * Boot order: find hospes (CPUID), check the start-info page, our own
 * GDT/IDT (so a fault from here on is reported), our own page tables,
 * then events and time, then the program the command line names.
 */
#include <stdarg.h>

#include "console.h"
#include "desc.h"
#include "events.h"
#include "hypercall.h"
#include "kernel.h"
#include "mm.h"
#include "string.h"
#include "time.h"

const struct hospes_start_info *start_info;

static char cmdline[1024];

static const struct program programs[] = {
	{ "hello", prog_hello, "", 0 },
	{ "compute", prog_compute, "[iterations=N]", 0 },
	{ "memtouch", prog_memtouch,
	  "[mib=N] [rate_mib_s=N (0: no limit)] [seconds=N (0: forever)]", 0 },
	{ "timer", prog_timer, "[count=N] [period_ms=N]", 0 },
	{ "ring", prog_ring, "", 0 },
	{ "counter", prog_counter, "[count=N (0: forever)] [period_ms=N]", 0 },
	{ "conbench", prog_conbench, "[bytes=N] [via=pv|uart]", 0 },
	{ "badcalls", prog_badcalls, "", 1 },
	{ "spin", prog_spin, "", 1 },
	{ "crash", prog_crash, "what=pf|ud|de|gp|panic|stack", 1 },
};

noreturn void shutdown(unsigned int reason, uint64_t code)
{
	long rc;

	console_flush();
	rc = hc_shutdown(reason, code);
	/* Only a refused call comes back. Nothing left but to stop here. */
	printk("pvguest: SHUTDOWN(%u, %llu) returned %ld\n", reason,
	       (unsigned long long)code, rc);
	console_flush();
	for (;;) {
		irq_disable();
		halt();
	}
}

noreturn void poweroff(int status)
{
	shutdown(HOSPES_SHUTDOWN_POWEROFF, (uint64_t)(unsigned int)status);
}

static bool on_stack(uint64_t p)
{
	return p >= (uintptr_t)boot_stack_bottom &&
	       p + 16 <= (uintptr_t)boot_stack_top;
}

void backtrace(uint64_t rbp)
{
	int n = 0;

	printk("backtrace:");
	while (rbp && on_stack(rbp) && !(rbp & 7) && n < 16) {
		const uint64_t *frame = (const uint64_t *)rbp;

		printk(" 0x%llx", (unsigned long long)frame[1]);
		if (frame[0] <= rbp)
			break;
		rbp = frame[0];
		n++;
	}
	printk("\n");
}

noreturn void panic(const char *fmt, ...)
{
	static int nested;
	char msg[256];
	va_list ap;

	irq_disable();
	if (nested++)
		shutdown(HOSPES_SHUTDOWN_CRASH, CRASH_PANIC);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	console_break_line();
	printk("pvguest: PANIC: %s\n", msg);
	backtrace((uintptr_t)__builtin_frame_address(0));
	shutdown(HOSPES_SHUTDOWN_CRASH, CRASH_PANIC);
}

/* ---- the command line ------------------------------------------------ */

static void parse_cmdline(struct args *a)
{
	char *p = cmdline;

	memset(a, 0, sizeof(*a));
	for (;;) {
		char *word, *eq;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		word = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if (*p)
			*p++ = '\0';
		if (!a->prog) {
			a->prog = word;
			continue;
		}
		if (a->argc == (int)ARRAY_SIZE(a->key)) {
			printk("pvguest: too many arguments, '%s' ignored\n",
			       word);
			continue;
		}
		eq = strchr(word, '=');
		if (eq)
			*eq = '\0';
		a->key[a->argc] = word;
		a->val[a->argc] = eq ? eq + 1 : NULL;
		a->argc++;
	}
}

int args_check(const struct args *a, const char *const *keys)
{
	int bad = 0;

	for (int i = 0; i < a->argc; i++) {
		const char *const *k;

		for (k = keys; *k; k++)
			if (!strcmp(*k, a->key[i]))
				break;
		if (!*k) {
			printk("%s: unknown argument '%s'\n", a->prog,
			       a->key[i]);
			bad = -1;
		} else if (!a->val[i]) {
			printk("%s: argument '%s' needs a value\n", a->prog,
			       a->key[i]);
			bad = -1;
		}
	}
	return bad;
}

const char *arg_str(const struct args *a, const char *key, const char *def)
{
	for (int i = a->argc - 1; i >= 0; i--)
		if (!strcmp(a->key[i], key) && a->val[i])
			return a->val[i];
	return def;
}

uint64_t arg_u64(const struct args *a, const char *key, uint64_t def)
{
	const char *s = arg_str(a, key, NULL);
	uint64_t v;

	if (!s)
		return def;
	if (parse_u64(s, &v)) {
		printk("%s: '%s=%s' is not a number\n", a->prog, key, s);
		poweroff(2);
	}
	return v;
}

/* ---- boot ------------------------------------------------------------ */

static void check_start_info(const struct hospes_start_info *si)
{
	uint64_t a = (uintptr_t)si;

	if (!hospes.present) {
		/* Maybe not hospes at all: try to say so, then stop. */
		printk("pvguest: no hospes signature in CPUID 0x40000000\n");
		shutdown(HOSPES_SHUTDOWN_CRASH, CRASH_BAD_START);
	}
	if (!si || (a & 7)) {
		printk("pvguest: bad start-info pointer %p\n", (void *)si);
		shutdown(HOSPES_SHUTDOWN_CRASH, CRASH_BAD_START);
	}
	if (si->magic != HOSPES_START_INFO_MAGIC) {
		printk("pvguest: start-info at %p has magic 0x%llx, not 0x%llx\n",
		       (void *)si, (unsigned long long)si->magic,
		       (unsigned long long)HOSPES_START_INFO_MAGIC);
		shutdown(HOSPES_SHUTDOWN_CRASH, CRASH_BAD_START);
	}
	if (si->version != HOSPES_PV_ABI_VERSION)
		printk("pvguest: start-info version %u, built for %u\n",
		       si->version, HOSPES_PV_ABI_VERSION);
	if (hospes.abi_version != HOSPES_PV_ABI_VERSION)
		printk("pvguest: hypervisor ABI version %u, built for %u\n",
		       hospes.abi_version, HOSPES_PV_ABI_VERSION);
	if (hospes.insn > HOSPES_PV_INSN_VMCALL)
		printk("pvguest: unknown hypercall instruction %u, using vmmcall\n",
		       hospes.insn);
	if (a < (uintptr_t)_image_end && a + sizeof(*si) > (uintptr_t)_image_start)
		panic("start-info at %p overlaps the image", (void *)si);
}

static void copy_cmdline(void)
{
	uint32_t len = start_info->cmdline_len;

	if (!start_info->cmdline_gpa)
		return;
	if (len >= sizeof(cmdline)) {
		printk("pvguest: command line of %u bytes cut to %zu\n", len,
		       sizeof(cmdline) - 1);
		len = sizeof(cmdline) - 1;
	}
	if (start_info->cmdline_gpa + len > start_info->mem_bytes)
		panic("command line at 0x%llx is outside RAM",
		      (unsigned long long)start_info->cmdline_gpa);
	memcpy(cmdline, (const void *)(uintptr_t)start_info->cmdline_gpa, len);
	cmdline[len] = '\0';
}

static void list_programs(void)
{
	printk("programs:\n");
	for (unsigned int i = 0; i < ARRAY_SIZE(programs); i++)
		if (!programs[i].hidden)
			printk("  %s %s\n", programs[i].name,
			       programs[i].usage);
}

noreturn void start_kernel(const struct hospes_start_info *si);
noreturn void start_kernel(const struct hospes_start_info *si)
{
	const struct program *prog = NULL;
	struct args args;

	hypercall_probe();
	check_start_info(si);
	start_info = si;
	desc_init();
	mm_init();
	copy_cmdline();

	if (!(hospes.features & HOSPES_PV_F_EVTCHN))
		panic("hospes offers no event channels (features 0x%x)",
		      hospes.features);
	events_init();
	timer_init();
	irq_enable();

	printk("pvguest: hospes ABI %u (%s), %llu MiB RAM, %u vCPU(s), "
	       "%u device(s), features 0x%x, cmdline \"%s\"\n",
	       hospes.abi_version, hypercall_insn_name(),
	       (unsigned long long)(si->mem_bytes >> 20), si->nr_vcpus,
	       si->nr_devices, hospes.features, cmdline);

	parse_cmdline(&args);
	if (!args.prog) {
		printk("pvguest: no program on the command line\n");
		list_programs();
		poweroff(2);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(programs); i++)
		if (!strcmp(programs[i].name, args.prog))
			prog = &programs[i];
	if (!prog) {
		printk("pvguest: unknown program '%s'\n", args.prog);
		list_programs();
		poweroff(2);
	}
	poweroff(prog->main(&args));
}
