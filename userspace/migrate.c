// SPDX-License-Identifier: GPL-2.0-only
/*
 * hospes migrate: move a running VM to `hospes run --incoming` elsewhere.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "control.h"
#include "machine.h"
#include "net.h"
#include "util.h"
#include "verbs.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: hospes migrate [OPTIONS] NAME tcp:HOST:PORT\n"
		"\n"
		"Move the running VM called NAME to `hospes run --incoming tcp:PORT` at\n"
		"HOST (an IP address), live: memory is copied while the guest runs, then\n"
		"the pages it dirtied meanwhile, round after round, until the rest fits\n"
		"the downtime target at the measured bandwidth; then the guest pauses, the\n"
		"rest and the vCPU and device state go over, and it resumes at the target.\n"
		"Each round is reported, then the totals and the downtime the target\n"
		"measured (source pause to target resume). Until the target says the\n"
		"guest runs there, any failure leaves it running here as before. PV and\n"
		"Linux (run --kernel) guests both move; a disk must be reachable at the\n"
		"same path there, and a target whose CPU lacks a feature the guest was\n"
		"offered refuses it, naming the features.\n"
		"\n"
		"  --max-downtime MS     downtime target (default 50)\n"
		"  --max-rounds N        stop the rounds after N passes anyway (default 30)\n"
		"  --suspend-timeout MS  how long a PV guest may take to suspend (default 1000)\n"
		"  --verify              hash guest RAM at the pause; the target checks it\n"
		"                        before it resumes (a debugging aid: adds downtime)\n"
		"  -h, --help            this text\n"
		"\n"
		"Exit status: 0 migrated (the VM here has stopped), %d failed (the VM runs\n"
		"on here), %d bad usage.\n", EXIT_VMM_ERROR, EXIT_USAGE);
}

static const struct option options[] = {
	{ "max-downtime", required_argument, NULL, 'd' },
	{ "max-rounds", required_argument, NULL, 'r' },
	{ "suspend-timeout", required_argument, NULL, 't' },
	{ "verify", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int verb_migrate(int argc, char **argv)
{
	unsigned int downtime = 50, rounds = 30, timeout = 1000, verify = 0;
	char request[256], final[CONTROL_LINE_MAX];
	int opt, fd, ret;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		unsigned int *field = opt == 'd' ? &downtime : opt == 'r' ? &rounds :
				      opt == 't' ? &timeout : NULL;

		if (field) {
			if (parse_uint(optarg, opt == 'r', 3600 * 1000, field)) {
				fprintf(stderr, "hospes migrate: %s %s: not a number%s\n",
					argv[optind - 1], optarg,
					opt == 'r' ? " from 1" : "");
				return EXIT_USAGE;
			}
		} else if (opt == 'v') {
			verify = 1;
		} else if (opt == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	fd = tcp_connect(argv[optind + 1]);
	if (fd < 0)
		return EXIT_VMM_ERROR;
	snprintf(request, sizeof(request),
		 "migrate max_downtime_ms=%u max_rounds=%u suspend_timeout_ms=%u verify=%u",
		 downtime, rounds, timeout, verify);
	ret = control_call(argv[optind], request, fd, stdout, final, sizeof(final));
	close(fd);
	if (ret)
		return EXIT_VMM_ERROR;
	printf("%s\n", final);
	return 0;
}
