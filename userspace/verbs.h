/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HOSPES_VERBS_H
#define HOSPES_VERBS_H

struct verb {
	const char *name;
	const char *summary;
	/* argv[0] is the verb's name; returns the process exit status. */
	int (*run)(int argc, char **argv);
};

int verb_run(int argc, char **argv);
int verb_list(int argc, char **argv);
int verb_save(int argc, char **argv);
int verb_restore(int argc, char **argv);
int verb_migrate(int argc, char **argv);
int verb_version(int argc, char **argv);

#endif /* HOSPES_VERBS_H */
