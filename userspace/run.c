// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes run: boot a PV kernel in a new VM and wait until it stops.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "devices/devices.h"
#include "loaders/elf.h"
#include "machine.h"
#include "util.h"
#include "vcpu.h"
#include "verbs.h"

#define DEFAULT_MEMORY	(64 * MIB)
#define MAX_MEMORY	(1024 * GIB)

/* Every device model; each looks at the configuration to see if it is wanted. */
static const struct device_model *const device_models[] = {
	&serial8250_model,
	&blkring_model,
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hospes run [OPTIONS] KERNEL\n"
		"\n"
		"Boot KERNEL, a 64-bit x86 PV kernel (ELF, linux/hospes_pv.h), in a new VM\n"
		"and wait until it stops.\n"
		"\n"
		"  --memory SIZE     guest RAM, a multiple of 4K (default 64M; suffixes K, M,\n"
		"                    G, T; no suffix: bytes; at most 1T)\n"
		"  --cpus N          vCPUs, 1 to %d (default 1). vCPU 0 runs the kernel; the\n"
		"                    others wait halted (PV kernels start no other CPU yet)\n"
		"  --cmdline STR     the kernel's command line (at most %llu bytes)\n"
		"  --disk FILE       a PV block device (block ring) backed by FILE, read-write\n"
		"  --console KIND    stdio: the guest's console is this process's stdin and\n"
		"                    stdout (default); pty: a new pseudo-terminal, whose path\n"
		"                    is printed on stderr\n"
		"  -h, --help        this text\n"
		"\n"
		"The console carries the PV console hypercall and the 8250 UART at 0x3f8.\n"
		"SIGINT, SIGTERM and SIGHUP stop the guest where it is and free the VM.\n"
		"\n"
		"Exit status:\n"
		"  N       the guest powered off with code N (255 for codes above 255)\n"
		"  0       also when the guest asks for a reboot: hospes does not restart\n"
		"          guests, it stops them with a note\n"
		"  %d       hospes could not start or run the VM (bad file, no module...)\n"
		"  %d       bad usage\n"
		"  %d       the guest died: crashed, triple-faulted, or halted every vCPU\n"
		"          with interrupts off\n"
		"  128+S   stopped by signal S (130 for SIGINT, 143 for SIGTERM)\n",
		HOSPES_MAX_VCPUS, PVBOOT_CMDLINE_MAX, EXIT_VMM_ERROR, EXIT_USAGE,
		EXIT_GUEST_DIED);
}

enum {
	OPT_MEMORY = 256,
	OPT_CPUS,
	OPT_CMDLINE,
	OPT_DISK,
	OPT_CONSOLE,
};

static const struct option options[] = {
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "hospes run: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n'hospes run --help' lists the options.\n");
	return -1;
}

static int check_memory(const char *arg, uint64_t *bytes)
{
	if (parse_size(arg, bytes))
		return bad_usage("--memory %s: not a size (such as 64M or 1G)", arg);
	if (!*bytes || *bytes % GUEST_PAGE_SIZE)
		return bad_usage("--memory %s: must be a non-zero multiple of 4K", arg);
	if (*bytes > MAX_MEMORY)
		return bad_usage("--memory %s: at most 1T", arg);
	return 0;
}

/* 0, 1 for --help, or -1 after printing what is wrong. */
static int parse_options(int argc, char **argv, struct vm_config *cfg)
{
	int opt;

	*cfg = (struct vm_config){
		.mem_bytes = DEFAULT_MEMORY,
		.nr_vcpus = 1,
		.cmdline = "",
		.console = CONSOLE_STDIO,
	};
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case OPT_MEMORY:
			if (check_memory(optarg, &cfg->mem_bytes))
				return -1;
			break;
		case OPT_CPUS:
			if (parse_uint(optarg, 1, HOSPES_MAX_VCPUS, &cfg->nr_vcpus))
				return bad_usage("--cpus %s: not a number from 1 to 64", optarg);
			break;
		case OPT_CMDLINE:
			cfg->cmdline = optarg;
			break;
		case OPT_DISK:
			cfg->disk = optarg;
			break;
		case OPT_CONSOLE:
			if (!strcmp(optarg, "stdio"))
				cfg->console = CONSOLE_STDIO;
			else if (!strcmp(optarg, "pty"))
				cfg->console = CONSOLE_PTY;
			else
				return bad_usage("--console %s: stdio or pty", optarg);
			break;
		case 'h':
			usage(stdout);
			return 1;
		case ':':
			return bad_usage("%s needs a value", argv[optind - 1]);
		default:
			return bad_usage("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return bad_usage("%s", optind == argc ? "which kernel? (KERNEL is missing)" :
				 "one KERNEL only");
	cfg->kernel = argv[optind];
	return 0;
}

/* Everything up to running vCPUs. 0, or -1 after printing why. */
static int build(struct machine *m, const struct vm_config *cfg)
{
	struct elf_image img;
	char err[256];
	unsigned int i;
	void *ram;

	ram = mmap(NULL, cfg->mem_bytes, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED) {
		fprintf(stderr, "hospes: cannot allocate %llu MiB of guest memory: %m\n",
			(unsigned long long)(cfg->mem_bytes / MIB));
		return -1;
	}
	m->mem = (struct guest_mem){ .host = ram, .size = cfg->mem_bytes };
	if (elf_load_file(cfg->kernel, &m->mem, &img, err, sizeof(err))) {
		fprintf(stderr, "hospes: %s: %s\n", cfg->kernel, err);
		return -1;
	}
	if (pvboot_init(&m->boot, &m->mem, img.lo, img.hi, cfg->cmdline, err,
			sizeof(err))) {
		fprintf(stderr, "hospes: %s: %s\n", cfg->kernel, err);
		return -1;
	}
	if (console_open(&m->console, cfg->console))
		return -1;
	m->console_open = true;
	if (vm_create(&m->vm) ||
	    vm_set_memory(&m->vm, 0, 0, m->mem.size, m->mem.host))
		return -1;
	for (i = 0; i < ARRAY_LEN(device_models); i++)
		if (device_models[i]->setup(m))
			return -1;
	pvboot_finish(&m->boot, cfg->nr_vcpus);
	return vcpus_create(m, img.entry);
}

int verb_run(int argc, char **argv)
{
	struct vm_config cfg;
	struct machine m;
	int ret, status;

	ret = parse_options(argc, argv, &cfg);
	if (ret)
		return ret > 0 ? 0 : EXIT_USAGE;
	/* Before any thread exists, so that only machine_wait() takes them. */
	machine_block_signals();
	/* A console reader that went away costs the output, not the VM. */
	signal(SIGPIPE, SIG_IGN);
	machine_init(&m, &cfg);
	if (build(&m, &cfg)) {
		machine_destroy(&m);
		return EXIT_VMM_ERROR;
	}
	if (!vcpus_start(&m))
		machine_wait(&m);
	status = m.exit_status;
	machine_destroy(&m);
	return status;
}
