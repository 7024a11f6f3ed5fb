// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes restore: run a VM from a file `hospes save` wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "control.h"
#include "incoming.h"
#include "machine.h"
#include "verbs.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hospes restore [--name NAME] [--console KIND] [--kernel BZIMAGE]\n"
		"                      [--initrd FILE] [--no-reboot] FILE\n"
		"\n"
		"Recreate the VM saved in FILE and run it on from where it was saved, as\n"
		"`hospes run` runs a VM. The whole file is read and checked (version,\n"
		"checksum, every part) before the guest runs: a corrupt or truncated file\n"
		"is refused, as is a guest offered a CPU feature this host lacks (the\n"
		"error names them). A block device's disk is reopened by the path it had.\n"
		"\n"
		"A Linux guest that reboots boots again as under `hospes run --kernel`:\n"
		"its kernel and initramfs are read again, then, from the absolute paths\n"
		"the file gives (those the guest was booted from; a warning at the start\n"
		"says if they cannot be read here), with the same memory, vCPUs, command\n"
		"line, disk and network cards; with --no-reboot at its source, a reboot\n"
		"ends the run with 0 instead. A file of format 1.1 or older does not say\n"
		"how the guest boots: its reboot ends the run with 0.\n"
		"\n"
		"  --name NAME       the VM's name (default hospes-PID)\n"
		"  --console KIND    stdio (default) or pty, as for `hospes run`\n"
		"  --kernel BZIMAGE  a Linux guest's next boot loads this kernel instead\n"
		"  --initrd FILE     and this initramfs (for files that live elsewhere\n"
		"                    on this host)\n"
		"  --no-reboot       a reboot of the guest ends the run (status 0)\n"
		"  -h, --help        this text\n"
		"\n"
		"Exit status: as `hospes run`; %d if FILE cannot be restored, or if the\n"
		"guest reboots and its kernel or initramfs cannot be loaded (the error\n"
		"names the file).\n",
		EXIT_VMM_ERROR);
}

static const struct option options[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "console", required_argument, NULL, 'c' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "no-reboot", no_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int verb_restore(int argc, char **argv)
{
	struct vm_config cfg = {
		.name = control_default_name(),
		.console = CONSOLE_STDIO,
	};
	struct boot_override ov = { 0 };
	int opt, fd;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (!control_name_valid(optarg)) {
				fprintf(stderr, "hospes restore: --name %s: letters, digits, '.', '_', '-'\n",
					optarg);
				return EXIT_USAGE;
			}
			cfg.name = optarg;
			break;
		case 'c':
			if (console_kind_parse(optarg, &cfg.console)) {
				fprintf(stderr, "hospes restore: --console %s: stdio or pty\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'k':
			ov.kernel = optarg;
			break;
		case 'i':
			ov.initrd = optarg;
			break;
		case 'r':
			ov.no_reboot = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	fd = open(argv[optind], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "hospes restore: %s: %s\n", argv[optind],
			strerror(errno));
		return EXIT_VMM_ERROR;
	}
	/* As `hospes run`: signals for machine_wait() only; SIGPIPE costs output. */
	machine_block_signals();
	signal(SIGPIPE, SIG_IGN);
	return incoming_serve(&cfg, fd, false, &ov);
}
