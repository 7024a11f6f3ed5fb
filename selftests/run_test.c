// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hospes run` end to end, with guests made here: a few hundred bytes of
 * machine code (below) packed into an ELF file per test. Each test checks
 * what the VMM promises: where the console goes, exit statuses, error
 * messages for bad kernels, the block ring, signals, many VMs at once.
 * pvguest_test.c runs the real PV kernel; this one needs nothing but
 * hospes itself.
 *
 * The hospes binary: $HOSPES_BIN if set, else /hospes/bin/hospes (the test
 * host), else ../userspace/hospes next to this binary (the build tree).
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/hospes.h>
#include <linux/hospes_pv.h>

#include "kselftest_harness.h"

/* `hospes run` exit statuses (hospes run --help). */
#define EXIT_VMM_ERROR		1
#define EXIT_USAGE		2
#define EXIT_GUEST_DIED		3

#define GUEST_LOAD		0x100000ull
#define OUT_MAX			(64 * 1024)

/*
 * The guest: one image, whose first bytes say what it does. At entry RDI
 * is the start-info page (kept in R15), RSP below the image, no IDT.
 */
enum guest_mode {
	MODE_HELLO,		/* PV console line, then poweroff(code) */
	MODE_SERIAL,		/* a line through the 8250, then poweroff(code) */
	MODE_CMDLINE,		/* the command line to the console, poweroff(code) */
	MODE_SPIN,		/* for ever, without an exit */
	MODE_HALT,		/* cli; hlt */
	MODE_TRIPLE_FAULT,	/* ud2 without an IDT */
	MODE_CRASH,		/* shutdown(CRASH, code) */
	MODE_REBOOT,		/* shutdown(REBOOT, 0) */
	MODE_HYPERCALLS,	/* the VMM's answers to its hypercalls */
	MODE_DISK,		/* sector 0 to the console and to sector 1 */
	MODE_START_INFO,	/* checks start-info against the code's bits */
	MODE_ECHO,		/* 8250 input echoed, for ever */
};

#define HELLO_LINE	"hello from a hand-made PV guest\n"
#define SERIAL_LINE	"hello through the 8250\n"
#define FAIL_LINE	"guest check failed\n"
#define HC_OK_LINE	"hypercalls answered as documented\n"
#define SI_OK_LINE	"start-info as promised\n"
#define GUEST_FAILED	99	/* poweroff code of a failed check */

/*
 * Start-info offsets (struct hospes_start_info), checked below by
 * static assertions so the assembly cannot drift from the header.
 */
#define SI_MAGIC	0
#define SI_NR_VCPUS	12
#define SI_MEM_BYTES	16
#define SI_FIRST_FREE	24
#define SI_PAGE_TABLES	32
#define SI_CMDLINE	40
#define SI_CMDLINE_LEN	48
#define SI_NR_DEVICES	52
#define SI_DEV0_PORT	(56 + 4)
#define SI_DEV0_RING	(56 + 8)
#define RING_SLOTS	64	/* offsetof(struct hospes_blk_ring, slots) */
#define RING_NR_SLOTS	12
#define SLOT_SIZE	40
#define STR(x)		#x
#define XSTR(x)		STR(x)

/* The ABI's enums as plain numbers, which the assembly can spell. */
#define HC_CONSOLE_WRITE	1
#define HC_EVTCHN_NOTIFY	6
#define HC_SHUTDOWN		10
#define HC_SUSPEND		11
#define SHUTDOWN_POWEROFF	0
#define SHUTDOWN_REBOOT		1
#define SHUTDOWN_CRASH		2
#define BLK_READ		0
#define BLK_WRITE		1
#define BLK_FLUSH		2
#define START_INFO_MAGIC	0x4f464e4953504f48

_Static_assert(HC_CONSOLE_WRITE == HOSPES_HC_CONSOLE_WRITE, "");
_Static_assert(HC_EVTCHN_NOTIFY == HOSPES_HC_EVTCHN_NOTIFY, "");
_Static_assert(HC_SHUTDOWN == HOSPES_HC_SHUTDOWN, "");
_Static_assert(HC_SUSPEND == HOSPES_HC_SUSPEND, "");
_Static_assert(SHUTDOWN_POWEROFF == HOSPES_SHUTDOWN_POWEROFF, "");
_Static_assert(SHUTDOWN_REBOOT == HOSPES_SHUTDOWN_REBOOT, "");
_Static_assert(SHUTDOWN_CRASH == HOSPES_SHUTDOWN_CRASH, "");
_Static_assert(BLK_READ == HOSPES_BLK_READ, "");
_Static_assert(BLK_WRITE == HOSPES_BLK_WRITE, "");
_Static_assert(BLK_FLUSH == HOSPES_BLK_FLUSH, "");
_Static_assert(START_INFO_MAGIC == HOSPES_START_INFO_MAGIC, "");

_Static_assert(offsetof(struct hospes_start_info, nr_vcpus) == SI_NR_VCPUS, "");
_Static_assert(offsetof(struct hospes_start_info, mem_bytes) == SI_MEM_BYTES, "");
_Static_assert(offsetof(struct hospes_start_info, first_free_gpa) == SI_FIRST_FREE, "");
_Static_assert(offsetof(struct hospes_start_info, page_tables_gpa) == SI_PAGE_TABLES, "");
_Static_assert(offsetof(struct hospes_start_info, cmdline_gpa) == SI_CMDLINE, "");
_Static_assert(offsetof(struct hospes_start_info, cmdline_len) == SI_CMDLINE_LEN, "");
_Static_assert(offsetof(struct hospes_start_info, nr_devices) == SI_NR_DEVICES, "");
_Static_assert(offsetof(struct hospes_start_info, devices[0].port) == SI_DEV0_PORT, "");
_Static_assert(offsetof(struct hospes_start_info, devices[0].ring_gpa) == SI_DEV0_RING, "");
_Static_assert(offsetof(struct hospes_blk_ring, slots) == RING_SLOTS, "");
_Static_assert(offsetof(struct hospes_blk_ring, nr_slots) == RING_NR_SLOTS, "");
_Static_assert(sizeof(struct hospes_blk_request) == SLOT_SIZE, "");

extern const char guest_start[], guest_mode[], guest_code[], guest_end[];

/* Data in the test binary, code in the guest: never run on the host. */
asm(
"	.pushsection .rodata\n"
"	.balign 16\n"
"guest_start:\n"
"	jmp 1f\n"
"	.balign 8\n"
"guest_mode:	.quad 0\n"
"guest_code:	.quad 0\n"
"1:	mov %rdi, %r15\n"
"	mov guest_mode(%rip), %rax\n"
"	lea g_modes(%rip), %rbx\n"
"	cmp $(g_modes_end - g_modes) / 8, %rax\n"
"	jae g_fail\n"
"	mov (%rbx,%rax,8), %rax\n"
"	add %rbx, %rax\n"
"	jmp *%rax\n"
"	.balign 8\n"
"g_modes:\n"
"	.quad g_hello - g_modes, g_serial - g_modes, g_cmdline - g_modes\n"
"	.quad g_spin - g_modes, g_halt - g_modes, g_triple - g_modes\n"
"	.quad g_crash - g_modes, g_reboot - g_modes, g_hypercalls - g_modes\n"
"	.quad g_disk - g_modes, g_start_info - g_modes, g_echo - g_modes\n"
"g_modes_end:\n"

/*
 * The hypercall, with the instruction CPUID 0x40000001 ECX names: VMMCALL
 * under SVM, VMCALL under VMX. Changes RAX only, as the hypercall does.
 */
"g_hypercall:\n"
"	push %rax\n"
"	push %rbx\n"
"	push %rcx\n"
"	push %rdx\n"
"	mov $" XSTR(HOSPES_PV_CPUID_FEATURES) ", %eax\n"
"	xor %ecx, %ecx\n"
"	cpuid\n"
"	cmp $" XSTR(HOSPES_PV_INSN_VMCALL) ", %ecx\n"
"	pop %rdx\n"
"	pop %rcx\n"
"	pop %rbx\n"
"	pop %rax\n"
"	je 1f\n"
"	vmmcall\n"
"	ret\n"
"1:	vmcall\n"
"	ret\n"

/* console(rdi = gpa, rsi = len) */
"g_console:\n"
"	mov $" XSTR(HC_CONSOLE_WRITE) ", %eax\n"
"	call g_hypercall\n"
"	ret\n"

"g_poweroff:\n"
"	mov $" XSTR(HC_SHUTDOWN) ", %eax\n"
"	mov $" XSTR(SHUTDOWN_POWEROFF) ", %edi\n"
"	mov guest_code(%rip), %rsi\n"
"	call g_hypercall\n"
"	jmp g_halt\n"

"g_fail:\n"
"	lea g_fail_msg(%rip), %rdi\n"
"	mov $(g_fail_end - g_fail_msg), %esi\n"
"	call g_console\n"
"	mov $" XSTR(HC_SHUTDOWN) ", %eax\n"
"	mov $" XSTR(SHUTDOWN_POWEROFF) ", %edi\n"
"	mov $" XSTR(GUEST_FAILED) ", %esi\n"
"	call g_hypercall\n"
"g_halt:\n"
"	cli\n"
"	hlt\n"
"	jmp g_halt\n"

"g_hello:\n"
"	lea g_hello_msg(%rip), %rdi\n"
"	mov $(g_hello_end - g_hello_msg), %esi\n"
"	call g_console\n"
"	jmp g_poweroff\n"

/* Poll LSR.THRE, write THR, for each byte: as a boot loader would. */
"g_serial:\n"
"	lea g_serial_msg(%rip), %rsi\n"
"	mov $(g_serial_end - g_serial_msg), %ecx\n"
"2:	mov $0x3fd, %dx\n"
"3:	in %dx, %al\n"
"	test $0x20, %al\n"
"	jz 3b\n"
"	mov $0x3f8, %dx\n"
"	lodsb\n"
"	out %al, %dx\n"
"	loop 2b\n"
"	jmp g_poweroff\n"

/*
 * Wait for LSR.DR, read RBR, send it back. For ever: a guest that exits
 * at once could take its echo along (a pty's reader loses what is
 * buffered when the master closes).
 */
"g_echo:\n"
"	mov $0x3fd, %dx\n"
"	in %dx, %al\n"
"	test $1, %al\n"
"	jz g_echo\n"
"	mov $0x3f8, %dx\n"
"	in %dx, %al\n"
"	out %al, %dx\n"
"	jmp g_echo\n"

"g_cmdline:\n"
"	mov " XSTR(SI_CMDLINE) "(%r15), %rdi\n"
"	mov " XSTR(SI_CMDLINE_LEN) "(%r15), %esi\n"
"	call g_console\n"
"	jmp g_poweroff\n"

"g_spin:\n"
"	jmp g_spin\n"

"g_triple:\n"
"	ud2\n"

"g_crash:\n"
"	mov $" XSTR(HC_SHUTDOWN) ", %eax\n"
"	mov $" XSTR(SHUTDOWN_CRASH) ", %edi\n"
"	mov guest_code(%rip), %rsi\n"
"	call g_hypercall\n"
"	jmp g_halt\n"

"g_reboot:\n"
"	mov $" XSTR(HC_SHUTDOWN) ", %eax\n"
"	mov $" XSTR(SHUTDOWN_REBOOT) ", %edi\n"
"	xor %esi, %esi\n"
"	call g_hypercall\n"
"	jmp g_halt\n"

/* A VMM-range call is ENOSYS; SUSPEND answers 0 (guest runs on). */
"g_hypercalls:\n"
"	mov $" XSTR(HOSPES_HC_VMM_BASE) ", %eax\n"
"	call g_hypercall\n"
"	cmp $-" XSTR(HOSPES_ENOSYS) ", %rax\n"
"	jne g_fail\n"
"	mov $" XSTR(HOSPES_HC_VMM_BASE) " + 0x1234, %eax\n"
"	call g_hypercall\n"
"	cmp $-" XSTR(HOSPES_ENOSYS) ", %rax\n"
"	jne g_fail\n"
"	mov $" XSTR(HC_SUSPEND) ", %eax\n"
"	call g_hypercall\n"
"	test %rax, %rax\n"
"	jne g_fail\n"
"	lea g_hc_msg(%rip), %rdi\n"
"	mov $(g_hc_end - g_hc_msg), %esi\n"
"	call g_console\n"
"	mov $" XSTR(HC_CONSOLE_WRITE) ", %eax\n"
"	lea g_hc_msg(%rip), %rdi\n"
"	mov $(g_hc_end - g_hc_msg), %esi\n"
"	call g_hypercall\n"
"	cmp $(g_hc_end - g_hc_msg), %rax\n"	/* returns len */
"	jne g_fail\n"
"	jmp g_poweroff\n"

/*
 * start-info: magic, version, vCPUs (code bits 0-7), memory (code bits
 * 8-63, in MiB), page tables, first free page above them, and the
 * identity map: RDI itself, a byte at the end of RAM.
 */
"g_start_info:\n"
"	movabs $" XSTR(START_INFO_MAGIC) ", %rax\n"
"	cmp " XSTR(SI_MAGIC) "(%r15), %rax\n"
"	jne g_fail\n"
"	cmpl $" XSTR(HOSPES_PV_ABI_VERSION) ", 8(%r15)\n"
"	jne g_fail\n"
"	mov guest_code(%rip), %rax\n"
"	movzbl %al, %ecx\n"
"	cmp " XSTR(SI_NR_VCPUS) "(%r15), %ecx\n"
"	jne g_fail\n"
"	shr $8, %rax\n"
"	shl $20, %rax\n"
"	cmp " XSTR(SI_MEM_BYTES) "(%r15), %rax\n"
"	jne g_fail\n"
"	mov %cr3, %rcx\n"
"	cmp " XSTR(SI_PAGE_TABLES) "(%r15), %rcx\n"
"	jne g_fail\n"
"	mov " XSTR(SI_FIRST_FREE) "(%r15), %rcx\n"
"	test $0xfff, %ecx\n"
"	jnz g_fail\n"
"	cmp %r15, %rcx\n"
"	jbe g_fail\n"
"	cmp " XSTR(SI_PAGE_TABLES) "(%r15), %rcx\n"
"	jbe g_fail\n"
"	cmp %rax, %rcx\n"
"	jae g_fail\n"
"	cmp $" XSTR(GUEST_LOAD) ", %rsp\n"
"	ja g_fail\n"
"	pushfq\n"
"	popq %rcx\n"
"	test $0x200, %ecx\n"		/* interrupts off */
"	jnz g_fail\n"
"	movb $0x5a, -1(%rax)\n"		/* the last byte of RAM is mapped */
"	cmpb $0x5a, -1(%rax)\n"
"	jne g_fail\n"
"	lea g_si_msg(%rip), %rdi\n"
"	mov $(g_si_end - g_si_msg), %esi\n"
"	call g_console\n"
"	movq $0, guest_code(%rip)\n"
"	jmp g_poweroff\n"

/*
 * The block ring: read sector 0 into the first free page, write it to
 * sector 1, flush, each request served by the time NOTIFY returns; then
 * show the first 32 bytes of the sector.
 */
"g_disk:\n"
"	cmpl $1, " XSTR(SI_NR_DEVICES) "(%r15)\n"
"	jne g_fail\n"
"	mov " XSTR(SI_DEV0_RING) "(%r15), %r14\n"
"	mov " XSTR(SI_FIRST_FREE) "(%r15), %r13\n"
"	mov $" XSTR(BLK_READ) ", %edi\n"
"	xor %esi, %esi\n"
"	call g_blk\n"
"	mov $" XSTR(BLK_WRITE) ", %edi\n"
"	mov $1, %esi\n"
"	call g_blk\n"
"	mov $" XSTR(BLK_FLUSH) ", %edi\n"
"	xor %esi, %esi\n"
"	call g_blk\n"
"	mov %r13, %rdi\n"
"	mov $32, %esi\n"
"	call g_console\n"
"	jmp g_poweroff\n"

/* blk(edi = op, rsi = sector): one 512-byte request at r13 on ring r14. */
"g_blk:\n"
"	mov (%r14), %eax\n"			/* req_prod */
"	xor %edx, %edx\n"
"	divl " XSTR(RING_NR_SLOTS) "(%r14)\n"
"	imul $" XSTR(SLOT_SIZE) ", %rdx, %rdx\n"
"	lea " XSTR(RING_SLOTS) "(%r14,%rdx), %rdx\n"
"	movq $7, 0(%rdx)\n"			/* id */
"	mov %edi, 8(%rdx)\n"			/* op */
"	movl $1, 12(%rdx)\n"			/* status: not yet */
"	mov %rsi, 16(%rdx)\n"			/* sector */
"	mov %r13, 24(%rdx)\n"			/* buf_gpa */
"	movl $512, 32(%rdx)\n"			/* len */
"	incl (%r14)\n"
"	push %rdx\n"
"	mov $" XSTR(HC_EVTCHN_NOTIFY) ", %eax\n"
"	mov " XSTR(SI_DEV0_PORT) "(%r15), %edi\n"
"	call g_hypercall\n"
"	pop %rdx\n"
"	cmpl $0, 12(%rdx)\n"
"	jne g_fail\n"
"	mov (%r14), %eax\n"
"	cmp 8(%r14), %eax\n"			/* rsp_prod caught up */
"	jne g_fail\n"
"	ret\n"

"g_hello_msg:	.ascii \"" "hello from a hand-made PV guest\\n" "\"\n"
"g_hello_end:\n"
"g_serial_msg:	.ascii \"" "hello through the 8250\\n" "\"\n"
"g_serial_end:\n"
"g_fail_msg:	.ascii \"" "guest check failed\\n" "\"\n"
"g_fail_end:\n"
"g_hc_msg:	.ascii \"" "hypercalls answered as documented\\n" "\"\n"
"g_hc_end:\n"
"g_si_msg:	.ascii \"" "start-info as promised\\n" "\"\n"
"g_si_end:\n"
"guest_end:\n"
"	.popsection\n"
);

static char hospes_bin[PATH_MAX];

static int find_hospes(void)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (getenv("HOSPES_BIN")) {
		snprintf(hospes_bin, sizeof(hospes_bin), "%s", getenv("HOSPES_BIN"));
		return access(hospes_bin, X_OK);
	}
	snprintf(hospes_bin, sizeof(hospes_bin), "/hospes/bin/hospes");
	if (!access(hospes_bin, X_OK))
		return 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -1;
	exe[n] = '\0';
	snprintf(hospes_bin, sizeof(hospes_bin), "%s/../userspace/hospes",
		 dirname(exe));
	return access(hospes_bin, X_OK);
}

/* ---- ELF files ------------------------------------------------------- */

struct elf_file {
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint8_t pad[0x1000 - sizeof(Elf64_Ehdr) - sizeof(Elf64_Phdr)];
	uint8_t image[];
};

/* An ELF file of the guest at GUEST_LOAD, doing mode with code. */
static struct elf_file *guest_elf(enum guest_mode mode, uint64_t code,
				  size_t *size)
{
	size_t len = guest_end - guest_start;
	struct elf_file *f = calloc(1, sizeof(*f) + len);

	if (!f)
		return NULL;
	memcpy(f->eh.e_ident, ELFMAG, SELFMAG);
	f->eh.e_ident[EI_CLASS] = ELFCLASS64;
	f->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f->eh.e_ident[EI_VERSION] = EV_CURRENT;
	f->eh.e_type = ET_EXEC;
	f->eh.e_machine = EM_X86_64;
	f->eh.e_version = EV_CURRENT;
	f->eh.e_entry = GUEST_LOAD;
	f->eh.e_phoff = offsetof(struct elf_file, ph);
	f->eh.e_ehsize = sizeof(f->eh);
	f->eh.e_phentsize = sizeof(f->ph);
	f->eh.e_phnum = 1;
	f->ph = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_flags = PF_R | PF_W | PF_X,
		.p_offset = offsetof(struct elf_file, image),
		.p_vaddr = GUEST_LOAD, .p_paddr = GUEST_LOAD,
		.p_filesz = len, .p_memsz = len, .p_align = 0x1000,
	};
	memcpy(f->image, guest_start, len);
	memcpy(f->image + (guest_mode - guest_start), &(uint64_t){ mode }, 8);
	memcpy(f->image + (guest_code - guest_start), &code, 8);
	*size = sizeof(*f) + len;
	return f;
}

/* Write bytes to a new temporary file; its path goes to path (64 bytes). */
static int write_temp(char *path, const void *bytes, size_t size)
{
	int fd;

	snprintf(path, 64, "/tmp/hospes-run-test-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, bytes, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int write_guest(char *path, enum guest_mode mode, uint64_t code)
{
	size_t size;
	struct elf_file *f = guest_elf(mode, code, &size);
	int ret;

	if (!f)
		return -1;
	ret = write_temp(path, f, size);
	free(f);
	return ret;
}

/* ---- running hospes -------------------------------------------------- */

struct run {
	int stdin_fd;		/* 0: /dev/null */
	pid_t pid;
	int out_fd, err_fd;	/* memfds the child writes its stdout, stderr to */
	int status;		/* exit code, 128 + signal, -1: killed at timeout */
	char out[OUT_MAX + 1];
	char err[OUT_MAX + 1];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Start `hospes run ARGS...` (NULL-terminated). */
static int run_start(struct run *r, const char *const *args)
{
	const char *argv[32];
	int i = 0;

	argv[i++] = hospes_bin;
	argv[i++] = "run";
	while (*args && i < 31)
		argv[i++] = *args++;
	argv[i] = NULL;
	r->out_fd = memfd_create("stdout", MFD_CLOEXEC);
	r->err_fd = memfd_create("stderr", MFD_CLOEXEC);
	if (r->out_fd < 0 || r->err_fd < 0)
		return -1;
	r->pid = fork();
	if (r->pid < 0)
		return -1;
	if (!r->pid) {
		dup2(r->stdin_fd ? r->stdin_fd : open("/dev/null", O_RDONLY), 0);
		dup2(r->out_fd, 1);
		dup2(r->err_fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return 0;
}

static void slurp(int fd, char *buf)
{
	ssize_t n = pread(fd, buf, OUT_MAX, 0);

	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* Wait up to timeout seconds (then SIGKILL); returns the status. */
static int run_finish(struct run *r, double timeout)
{
	double end = now_s() + timeout;
	int st = 0;
	pid_t got;

	while ((got = waitpid(r->pid, &st, WNOHANG)) == 0 && now_s() < end)
		usleep(20 * 1000);
	if (got == 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, &st, 0);
		r->status = -1;
	} else if (WIFEXITED(st)) {
		r->status = WEXITSTATUS(st);
	} else {
		r->status = 128 + WTERMSIG(st);
	}
	slurp(r->out_fd, r->out);
	slurp(r->err_fd, r->err);
	return r->status;
}

static int run(struct run *r, const char *const *args)
{
	if (run_start(r, args))
		return -2;
	return run_finish(r, 120);
}

FIXTURE(hr) {
	struct run *r;
	char kernel[64];
	char disk[64];
};

FIXTURE_SETUP(hr)
{
	self->kernel[0] = self->disk[0] = '\0';
	self->r = calloc(1, sizeof(*self->r));
	ASSERT_NE(NULL, self->r);
	/* A skip here would still run the body: a missing binary fails. */
	ASSERT_EQ(0, find_hospes()) TH_LOG("no hospes binary: %s (HOSPES_BIN)",
					   hospes_bin);
}

FIXTURE_TEARDOWN(hr)
{
	if (self->kernel[0])
		unlink(self->kernel);
	if (self->disk[0])
		unlink(self->disk);
	free(self->r);
}

#define ASSERT_STATUS(r, want)						\
	ASSERT_EQ(want, (r)->status) {					\
		TH_LOG("exit status %d\nstdout:\n%s\nstderr:\n%s",	\
		       (r)->status, (r)->out, (r)->err);		\
	}

#define EXPECT_IN(haystack, needle)					\
	EXPECT_NE(NULL, strstr(haystack, needle)) {			\
		TH_LOG("no \"%s\" in:\n%s", needle, haystack);		\
	}

/* Run the guest in mode with code and extra options. */
static int run_guest(FIXTURE_DATA(hr) *self, enum guest_mode mode,
		     uint64_t code, const char *const *extra)
{
	const char *args[24];
	int i = 0;

	if (write_guest(self->kernel, mode, code))
		return -2;
	while (extra && *extra && i < 22)
		args[i++] = *extra++;
	args[i++] = self->kernel;
	args[i] = NULL;
	return run(self->r, args);
}

/* Skip a test that needs the module when it is not there. */
#define NEEDS_MODULE()							\
	do {								\
		if (access("/dev/hospes", R_OK | W_OK))			\
			SKIP(return, "/dev/hospes: %s", strerror(errno)); \
	} while (0)

TEST_F(hr, pv_console_output_on_stdout_and_poweroff_status)
{
	NEEDS_MODULE();
	run_guest(self, MODE_HELLO, 0, NULL);
	ASSERT_STATUS(self->r, 0);
	EXPECT_STREQ(HELLO_LINE, self->r->out);
	EXPECT_STREQ("", self->r->err);
	run_guest(self, MODE_HELLO, 42, NULL);
	ASSERT_STATUS(self->r, 42);
}

TEST_F(hr, poweroff_codes_beyond_255_exit_255_with_a_note)
{
	NEEDS_MODULE();
	run_guest(self, MODE_HELLO, 256, NULL);
	ASSERT_STATUS(self->r, 255);
	EXPECT_IN(self->r->err, "code 256");
}

TEST_F(hr, uart_output_reaches_the_console)
{
	NEEDS_MODULE();
	run_guest(self, MODE_SERIAL, 5, NULL);
	ASSERT_STATUS(self->r, 5);
	EXPECT_STREQ(SERIAL_LINE, self->r->out);
}

TEST_F(hr, command_line_reaches_the_guest)
{
	static const char *const opts[] = {
		"--cmdline", "root=/dev/pvblk0 quiet x=1", NULL,
	};

	NEEDS_MODULE();
	run_guest(self, MODE_CMDLINE, 0, opts);
	ASSERT_STATUS(self->r, 0);
	EXPECT_STREQ("root=/dev/pvblk0 quiet x=1", self->r->out);
}

TEST_F(hr, start_info_page_tables_and_registers_as_documented)
{
	static const char *const opts[] = { "--memory", "48M", "--cpus", "3", NULL };

	NEEDS_MODULE();
	run_guest(self, MODE_START_INFO, 48 << 8 | 3, opts);
	ASSERT_STATUS(self->r, 0);
	EXPECT_STREQ(SI_OK_LINE, self->r->out);
}

TEST_F(hr, vmm_hypercalls_console_suspend_and_unknown)
{
	NEEDS_MODULE();
	run_guest(self, MODE_HYPERCALLS, 0, NULL);
	ASSERT_STATUS(self->r, 0);
	EXPECT_STREQ(HC_OK_LINE HC_OK_LINE, self->r->out);
}

TEST_F(hr, crash_exits_3_with_its_code)
{
	NEEDS_MODULE();
	run_guest(self, MODE_CRASH, 0x42, NULL);
	ASSERT_STATUS(self->r, EXIT_GUEST_DIED);
	EXPECT_IN(self->r->err, "crashed (code 0x42)");
}

TEST_F(hr, reboot_stops_with_0_and_a_note)
{
	NEEDS_MODULE();
	run_guest(self, MODE_REBOOT, 0, NULL);
	ASSERT_STATUS(self->r, 0);
	EXPECT_IN(self->r->err, "reboot");
}

TEST_F(hr, triple_fault_exits_3)
{
	NEEDS_MODULE();
	run_guest(self, MODE_TRIPLE_FAULT, 0, NULL);
	ASSERT_STATUS(self->r, EXIT_GUEST_DIED);
	EXPECT_IN(self->r->err, "triple fault");
}

TEST_F(hr, halting_for_good_exits_3)
{
	static const char *const opts[] = { "--cpus", "4", NULL };

	NEEDS_MODULE();
	run_guest(self, MODE_HALT, 0, opts);
	ASSERT_STATUS(self->r, EXIT_GUEST_DIED);
	EXPECT_IN(self->r->err, "halted with interrupts off");
}

TEST_F(hr, block_ring_reads_writes_and_flushes_the_file)
{
	static const char sector0[] = "sector zero of the test disk....";
	char *disk = calloc(1, 4096), back[512];
	const char *opts[] = { "--disk", self->disk, NULL };
	int fd;

	NEEDS_MODULE();
	ASSERT_NE(NULL, disk);
	memcpy(disk, sector0, 32);
	ASSERT_EQ(0, write_temp(self->disk, disk, 4096));
	free(disk);
	run_guest(self, MODE_DISK, 0, opts);
	ASSERT_STATUS(self->r, 0);
	EXPECT_STREQ(sector0, self->r->out);
	fd = open(self->disk, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(512, pread(fd, back, 512, 512));
	close(fd);
	EXPECT_EQ(0, memcmp(back, sector0, 32));
}

TEST_F(hr, no_disk_no_device)
{
	NEEDS_MODULE();
	run_guest(self, MODE_DISK, 0, NULL);
	ASSERT_STATUS(self->r, GUEST_FAILED);
}

static void signal_stops_guest(struct __test_metadata *_metadata,
			       FIXTURE_DATA(hr) *self, int sig,
			       const char *cpus)
{
	const char *args[] = { "--cpus", cpus, self->kernel, NULL };
	double t0;

	ASSERT_EQ(0, write_guest(self->kernel, MODE_SPIN, 0));
	ASSERT_EQ(0, run_start(self->r, args));
	/* Long enough to be spinning in the guest, even under TCG. */
	usleep(1500 * 1000);
	ASSERT_EQ(0, waitpid(self->r->pid, NULL, WNOHANG)) {
		run_finish(self->r, 1);
		TH_LOG("exited before the signal: %d\n%s", self->r->status,
		       self->r->err);
	}
	t0 = now_s();
	ASSERT_EQ(0, kill(self->r->pid, sig));
	run_finish(self->r, 30);
	ASSERT_STATUS(self->r, 128 + sig);
	EXPECT_IN(self->r->err, "stopping the guest");
	EXPECT_GT(10.0, now_s() - t0);
}

TEST_F(hr, sigterm_stops_a_spinning_guest_with_143)
{
	NEEDS_MODULE();
	signal_stops_guest(_metadata, self, SIGTERM, "1");
}

TEST_F(hr, sigint_stops_every_vcpu_with_130)
{
	NEEDS_MODULE();
	signal_stops_guest(_metadata, self, SIGINT, "4");
}

TEST_F_TIMEOUT(hr, sixteen_vms_at_once_all_finish, 300)
{
	enum { N = 16 };
	struct run *runs = calloc(N, sizeof(*runs));
	char kernels[N][64];
	unsigned int i;

	NEEDS_MODULE();
	ASSERT_NE(NULL, runs);
	for (i = 0; i < N; i++) {
		const char *args[] = { "--memory", "32M", kernels[i], NULL };

		ASSERT_EQ(0, write_guest(kernels[i], i % 2 ? MODE_SERIAL : MODE_HELLO,
					 10 + i));
		ASSERT_EQ(0, run_start(&runs[i], args));
	}
	for (i = 0; i < N; i++) {
		run_finish(&runs[i], 240);
		unlink(kernels[i]);
		EXPECT_EQ(10 + i, runs[i].status) {
			TH_LOG("VM %u: status %d\n%s", i, runs[i].status, runs[i].err);
		}
		EXPECT_STREQ(i % 2 ? SERIAL_LINE : HELLO_LINE, runs[i].out);
	}
	free(runs);
}

/*
 * Wait until the running hospes's stdout or stderr memfd holds want; a
 * copy goes to buf.
 */
static bool output_has(int fd, const char *want, char *buf, size_t size,
		       double timeout)
{
	double end = now_s() + timeout;
	ssize_t n;

	do {
		/* The memfd's offset is the child's: read from 0 each time. */
		n = pread(fd, buf, size - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, want))
			return true;
		usleep(20 * 1000);
	} while (now_s() < end);
	return false;
}

TEST_F(hr, uart_reads_what_is_typed_on_stdin)
{
	const char *args[] = { self->kernel, NULL };
	char out[64];
	int p[2];

	NEEDS_MODULE();
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(6, write(p[1], "ping!\n", 6));
	close(p[1]);
	ASSERT_EQ(0, write_guest(self->kernel, MODE_ECHO, 0));
	self->r->stdin_fd = p[0];
	ASSERT_EQ(0, run_start(self->r, args));
	close(p[0]);
	EXPECT_TRUE(output_has(self->r->out_fd, "ping!\n", out, sizeof(out), 20));
	kill(self->r->pid, SIGTERM);
	run_finish(self->r, 20);
	ASSERT_STATUS(self->r, 128 + SIGTERM);
	EXPECT_STREQ("ping!\n", self->r->out);
}

/* Read from fd until want has arrived or timeout seconds passed. */
static bool read_until(int fd, char *buf, size_t size, const char *want,
		       double timeout)
{
	double end = now_s() + timeout;
	size_t len = 0;

	buf[0] = '\0';
	while (!strstr(buf, want) && now_s() < end && len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n > 0) {
			len += n;
			buf[len] = '\0';
		} else {
			usleep(20 * 1000);
		}
	}
	return strstr(buf, want);
}

TEST_F(hr, pty_console_is_named_on_stderr_and_carries_both_ways)
{
	const char *args[] = { "--console", "pty", self->kernel, NULL };
	char msg[512], echo[64], *path, *nl;
	struct termios tio;
	int probe, pty;

	NEEDS_MODULE();
	probe = posix_openpt(O_RDWR | O_NOCTTY);
	if (probe < 0)
		SKIP(return, "no ptys here: %s (devpts not mounted?)", strerror(errno));
	close(probe);
	ASSERT_EQ(0, write_guest(self->kernel, MODE_ECHO, 0));
	ASSERT_EQ(0, run_start(self->r, args));
	ASSERT_TRUE(output_has(self->r->err_fd, "\n", msg, sizeof(msg), 20)) {
		run_finish(self->r, 1);
		TH_LOG("no pty named on stderr:\n%s", msg);
	}
	path = strstr(msg, "hospes: console on ");
	ASSERT_NE(NULL, path) {
		run_finish(self->r, 1);
		TH_LOG("stderr: %s", msg);
	}
	path += strlen("hospes: console on ");
	nl = strchr(path, '\n');
	*nl = '\0';
	pty = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ASSERT_LE(0, pty) {
		run_finish(self->r, 1);
		TH_LOG("%s: %s", path, strerror(errno));
	}
	/* Both ends share one termios: raw, as hospes set it. */
	ASSERT_EQ(0, tcgetattr(pty, &tio));
	EXPECT_EQ(0u, tio.c_lflag & (ICANON | ECHO));
	ASSERT_EQ(5, write(pty, "pong\n", 5));
	EXPECT_TRUE(read_until(pty, echo, sizeof(echo), "pong\n", 20)) {
		TH_LOG("echo so far: '%s'", echo);
	}
	close(pty);
	kill(self->r->pid, SIGTERM);
	run_finish(self->r, 20);
	ASSERT_STATUS(self->r, 128 + SIGTERM);
	EXPECT_STREQ("", self->r->out);
}

/* ---- refusals: these need no module -------------------------------- */

TEST_F(hr, missing_kernel_file)
{
	const char *args[] = { "/nonexistent/kernel.elf", NULL };

	run(self->r, args);
	ASSERT_STATUS(self->r, EXIT_VMM_ERROR);
	EXPECT_IN(self->r->err, "/nonexistent/kernel.elf: No such file or directory");
}

TEST_F(hr, not_an_elf_file)
{
	const char *args[] = { self->kernel, NULL };

	ASSERT_EQ(0, write_temp(self->kernel, "#!/bin/sh\nexit 0\n", 17));
	run(self->r, args);
	ASSERT_STATUS(self->r, EXIT_VMM_ERROR);
	EXPECT_IN(self->r->err, "not an ELF file");
}

TEST_F(hr, wrong_class_and_machine_are_named)
{
	const char *args[] = { self->kernel, NULL };
	struct elf_file *f;
	size_t size;

	f = guest_elf(MODE_HELLO, 0, &size);
	ASSERT_NE(NULL, f);
	f->eh.e_ident[EI_CLASS] = ELFCLASS32;
	ASSERT_EQ(0, write_temp(self->kernel, f, size));
	run(self->r, args);
	ASSERT_STATUS(self->r, EXIT_VMM_ERROR);
	EXPECT_IN(self->r->err, "not a 64-bit ELF");
	unlink(self->kernel);

	f->eh.e_ident[EI_CLASS] = ELFCLASS64;
	f->eh.e_machine = EM_AARCH64;
	ASSERT_EQ(0, write_temp(self->kernel, f, size));
	free(f);
	run(self->r, args);
	ASSERT_STATUS(self->r, EXIT_VMM_ERROR);
	EXPECT_IN(self->r->err, "not x86-64");
}

TEST_F(hr, image_beyond_memory_and_memory_too_small)
{
	const char *small[] = { "--memory", "1M", self->kernel, NULL };
	/* Room for the image, not for start-info and page tables. */
	const char *tight[] = { "--memory", "1028K", self->kernel, NULL };

	ASSERT_EQ(0, write_guest(self->kernel, MODE_HELLO, 0));
	run(self->r, small);
	ASSERT_STATUS(self->r, EXIT_VMM_ERROR);
	EXPECT_IN(self->r->err, "does not fit in 1024 KiB of guest memory");
	run(self->r, tight);
	ASSERT_STATUS(self->r, EXIT_VMM_ERROR);
	EXPECT_IN(self->r->err, "too small");
}

TEST_F(hr, bad_usage_exits_2)
{
	const char *none[] = { NULL };
	const char *mem[] = { "--memory", "lots", "k", NULL };
	const char *cpus[] = { "--cpus", "65", "k", NULL };
	const char *help[] = { "--help", NULL };

	run(self->r, none);
	ASSERT_STATUS(self->r, EXIT_USAGE);
	EXPECT_IN(self->r->err, "KERNEL is missing");
	run(self->r, mem);
	ASSERT_STATUS(self->r, EXIT_USAGE);
	EXPECT_IN(self->r->err, "--memory lots");
	run(self->r, cpus);
	ASSERT_STATUS(self->r, EXIT_USAGE);
	run(self->r, help);
	ASSERT_STATUS(self->r, 0);
	EXPECT_IN(self->r->out, "usage: hospes run");
}

TEST_HARNESS_MAIN
