// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes run: boot a PV kernel in a new VM and wait until it stops.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "boot_record.h"
#include "control.h"
#include "devices/devices.h"
#include "incoming.h"
#include "linux.h"
#include "loaders/elf.h"
#include "machine.h"
#include "net.h"
#include "serve.h"
#include "util.h"
#include "vcpu.h"
#include "verbs.h"

#define DEFAULT_MEMORY	(64 * MIB)

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hospes run [OPTIONS] KERNEL\n"
		"       hospes run [OPTIONS] --kernel BZIMAGE [--initrd FILE]\n"
		"       hospes run --incoming tcp:[HOST:]PORT [--name NAME] [--console KIND]\n"
		"                  [--kernel BZIMAGE] [--initrd FILE] [--no-reboot]\n"
		"\n"
		"Boot KERNEL, a 64-bit x86 PV kernel (ELF, linux/hospes_pv.h), in a new VM\n"
		"and wait until it stops. With --incoming, wait for one `hospes migrate`\n"
		"to bring a running VM instead (its configuration comes with it).\n"
		"\n"
		"  --memory SIZE     guest RAM, a multiple of 4K (default 64M; suffixes K, M,\n"
		"                    G, T; no suffix: bytes; at most 1T)\n"
		"  --cpus N          vCPUs, 1 to %d (default 1). vCPU 0 runs the kernel; the\n"
		"                    others wait halted (PV kernels start no other CPU yet;\n"
		"                    Linux starts them)\n"
		"  --cmdline STR     the kernel's command line (at most %llu bytes)\n"
		"  --disk FILE       a PV block device (block ring; virtio-blk for Linux)\n"
		"                    backed by FILE, read-write\n"
		"  --console KIND    stdio: the guest's console is this process's stdin and\n"
		"                    stdout (default); pty: a new pseudo-terminal, whose path\n"
		"                    is printed on stderr\n"
		"  --stats           when the guest stops, print the VM's counters (struct\n"
		"                    hospes_stats: exits by kind...) on stderr, one line of\n"
		"                    \"hospes: stats: NAME=VALUE...\"\n"
		"  --name NAME       the VM's name for `hospes list`, `save`, `migrate`\n"
		"                    (default hospes-PID); its control socket is\n"
		"                    NAME.sock in /run/hospes (root), $XDG_RUNTIME_DIR/hospes\n"
		"                    or $HOSPES_RUNTIME_DIR\n"
		"  --kernel BZIMAGE  boot an unmodified Linux kernel instead (x86 boot\n"
		"                    protocol; ACPI, 8250 on IRQ 4, --disk as virtio-blk;\n"
		"                    RAM beyond 3G goes above 4G; userspace/README.md)\n"
		"  --initrd FILE     its initramfs\n"
		"  --virtio-console  with --kernel: a virtio console (hvc0) on the console,\n"
		"                    which then takes the console's input, not the UART\n"
		"  --net tap:IFNAME[,mac=XX:XX:XX:XX:XX:XX]\n"
		"                    with --kernel: a virtio network card on the host's tap\n"
		"                    IFNAME, created if missing (needs CAP_NET_ADMIN; it\n"
		"                    vanishes when hospes exits) or attached if it exists\n"
		"                    (a persistent tap: ip tuntap add dev IFNAME mode tap\n"
		"                    user USER). The MAC defaults to a locally administered\n"
		"                    one derived from IFNAME. Up to %d times\n"
		"  --no-reboot       with --kernel: a guest reboot ends the run (status 0)\n"
		"                    instead of restarting the guest\n"
		"  --incoming tcp:[HOST:]PORT\n"
		"                    listen there (port 0: any, printed on stderr) for a\n"
		"                    migration; exit %d if it fails before the guest runs.\n"
		"                    With it, --kernel and --initrd name the files a\n"
		"                    reboot of a Linux guest loads here (default: those\n"
		"                    its source booted it from, by the same absolute\n"
		"                    paths), and --no-reboot makes a reboot end the run\n"
		"                    (as the source's own --no-reboot does)\n"
		"  -h, --help        this text\n"
		"\n"
		"The console carries the PV console hypercall and the 8250 UART at 0x3f8.\n"
		"SIGINT, SIGTERM and SIGHUP stop the guest where it is and free the VM.\n"
		"\n"
		"A Linux guest that reboots (ACPI reset register, 8042 reset command)\n"
		"restarts in the same process, on the same console and control socket:\n"
		"a new VM, its RAM zeroed, the kernel and initramfs loaded again;\n"
		"\"hospes: guest rebooted (N)\" on stderr says so. So does a guest that\n"
		"came with --incoming, with the memory, vCPUs, command line, disk and\n"
		"network cards of its source's `hospes run --kernel` (a stream of format\n"
		"1.1 or older does not say them: that guest's reboot ends the run).\n"
		"\n"
		"Exit status:\n"
		"  N       the guest powered off with code N (255 for codes above 255)\n"
		"  0       also when the guest asks for a reboot that is not done: a PV\n"
		"          guest's, or with --no-reboot; stopped with a note\n"
		"  %d       hospes could not start or run the VM (bad file, no module...),\n"
		"          or boot it again after a reboot (a kernel or initramfs gone)\n"
		"  %d       bad usage\n"
		"  %d       the guest died: crashed, triple-faulted, or halted every vCPU\n"
		"          with interrupts off\n"
		"  128+S   stopped by signal S (130 for SIGINT, 143 for SIGTERM)\n",
		HOSPES_MAX_VCPUS, PVBOOT_CMDLINE_MAX, VM_MAX_NETS, EXIT_VMM_ERROR, EXIT_VMM_ERROR,
		EXIT_USAGE, EXIT_GUEST_DIED);
}

enum {
	OPT_MEMORY = 256,
	OPT_CPUS,
	OPT_CMDLINE,
	OPT_DISK,
	OPT_CONSOLE,
	OPT_STATS,
	OPT_NAME,
	OPT_INCOMING,
	OPT_KERNEL,
	OPT_INITRD,
	OPT_VIRTIO_CONSOLE,
	OPT_NET,
	OPT_NO_REBOOT,
};

static const struct option options[] = {
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "console", required_argument, NULL, OPT_CONSOLE },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "incoming", required_argument, NULL, OPT_INCOMING },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "virtio-console", no_argument, NULL, OPT_VIRTIO_CONSOLE },
	{ "net", required_argument, NULL, OPT_NET },
	{ "no-reboot", no_argument, NULL, OPT_NO_REBOOT },
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
	if (*bytes > MACHINE_MAX_MEMORY)
		return bad_usage("--memory %s: at most 1T", arg);
	return 0;
}

static int check_net(const char *arg, struct vm_config *cfg)
{
	char msg[320], err[256];
	struct net_spec ns;

	if (cfg->nr_nets == VM_MAX_NETS)
		snprintf(msg, sizeof(msg), "--net %s: at most %d network cards",
			 arg, VM_MAX_NETS);
	else if (net_spec_parse(arg, &ns, err, sizeof(err)))
		snprintf(msg, sizeof(msg), "--net %s: %s", arg, err);
	else {
		cfg->net[cfg->nr_nets++] = arg;
		return 0;
	}
	return bad_usage("%s", msg);
}

/*
 * 0, 1 for --help, or -1 after printing what is wrong. *incoming is the
 * --incoming address, or NULL; with it, *ov is what the options say of
 * the migrated guest's next boot.
 */
static int parse_options(int argc, char **argv, struct vm_config *cfg,
			 const char **incoming, struct boot_override *ov)
{
	bool machine_options = false;
	int opt;

	*cfg = (struct vm_config){
		.name = control_default_name(),
		.mem_bytes = DEFAULT_MEMORY,
		.nr_vcpus = 1,
		.cmdline = "",
		.console = CONSOLE_STDIO,
	};
	*incoming = NULL;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		machine_options |= opt == OPT_MEMORY || opt == OPT_CPUS ||
				   opt == OPT_CMDLINE || opt == OPT_DISK ||
				   opt == OPT_VIRTIO_CONSOLE || opt == OPT_NET;
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
			if (console_kind_parse(optarg, &cfg->console))
				return bad_usage("--console %s: stdio or pty", optarg);
			break;
		case OPT_NAME:
			if (!control_name_valid(optarg))
				return bad_usage("--name %s: letters, digits, '.', '_', '-' (at most 64, no leading '.')",
						 optarg);
			cfg->name = optarg;
			break;
		case OPT_INCOMING:
			*incoming = optarg;
			break;
		case OPT_KERNEL:
			cfg->kernel = optarg;
			cfg->linux_boot = true;
			break;
		case OPT_INITRD:
			cfg->initrd = optarg;
			break;
		case OPT_VIRTIO_CONSOLE:
			cfg->virtio_console = true;
			break;
		case OPT_NET:
			if (check_net(optarg, cfg))
				return -1;
			break;
		case OPT_NO_REBOOT:
			cfg->no_reboot = true;
			break;
		case OPT_STATS:
			cfg->stats = true;
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
	if (*incoming) {
		if (machine_options || optind != argc)
			return bad_usage("%s", "--incoming takes the VM as it comes: no KERNEL, --memory, --cpus, --cmdline, --disk, --net or --virtio-console");
		/* The stream brings the machine; these are for its next boot. */
		*ov = (struct boot_override){
			.kernel = cfg->kernel, .initrd = cfg->initrd,
			.no_reboot = cfg->no_reboot,
		};
		cfg->kernel = cfg->initrd = NULL;
		cfg->linux_boot = cfg->no_reboot = false;
		return 0;
	}
	if ((cfg->initrd || cfg->virtio_console || cfg->nr_nets ||
	     cfg->no_reboot) && !cfg->linux_boot)
		return bad_usage("%s", "--initrd, --virtio-console, --net and --no-reboot go with --kernel");
	if (cfg->linux_boot)
		return optind == argc ? 0 :
		       bad_usage("%s", "--kernel names the kernel: no KERNEL argument");
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

	if (cfg->linux_boot)
		return linux_build(m);
	if (machine_alloc_ram(m))
		return -1;
	if (elf_load_file(cfg->kernel, &m->mem, &img, err, sizeof(err))) {
		fprintf(stderr, "hospes: %s: %s\n", cfg->kernel, err);
		return -1;
	}
	if (pvboot_init(&m->boot, &m->mem, img.lo, img.hi, cfg->cmdline, err,
			sizeof(err))) {
		fprintf(stderr, "hospes: %s: %s\n", cfg->kernel, err);
		return -1;
	}
	if (machine_open_console(m))
		return -1;
	if (machine_create_vm(m))
		return -1;
	for (i = 0; i < nr_device_models; i++)
		if (device_models[i]->setup(m))
			return -1;
	pvboot_finish(&m->boot, cfg->nr_vcpus);
	return vcpus_create(m, img.entry);
}

/*
 * --stats: what the VM's exits were, for benchmarks that count them (as
 * bench/pv_bench.c does). The names are the fields of struct hospes_stats;
 * the control socket's stats request gives the same while the VM runs.
 */
static void print_stats(struct vm *vm)
{
	char words[1024];

	if (vm_format_stats(vm, words, sizeof(words))) {
		fprintf(stderr, "hospes: stats: HOSPES_GET_VM_STATS: %s\n",
			strerror(errno));
		return;
	}
	fprintf(stderr, "hospes: stats:%s\n", words);
}

int verb_run(int argc, char **argv)
{
	const char *incoming;
	struct boot_override ov;
	unsigned int reboots = 0;
	struct vm_config cfg;
	struct machine m;
	int ret, status, fd;

	ret = parse_options(argc, argv, &cfg, &incoming, &ov);
	if (ret)
		return ret > 0 ? 0 : EXIT_USAGE;
	/* Before any thread exists, so that only machine_wait() takes them. */
	machine_block_signals();
	/* A console reader that went away costs the output, not the VM. */
	signal(SIGPIPE, SIG_IGN);
	if (incoming) {
		fd = tcp_accept_one(incoming);
		return fd < 0 ? EXIT_VMM_ERROR : incoming_serve(&cfg, fd, true, &ov);
	}
	machine_init(&m, &cfg);
	for (;;) {
		if (build(&m, &cfg)) {
			status = EXIT_VMM_ERROR;
			break;
		}
		status = machine_serve(&m, NULL, NULL);
		if (cfg.stats)
			print_stats(&m.vm);
		if (!machine_reboots(&m, &reboots))
			break;
	}
	machine_destroy(&m);
	return status;
}
