// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "blob.h"
#include "boot_record.h"
#include "util.h"

/* ---- writing ---------------------------------------------------------- */

/*
 * A path as the stream names it: absolute, since the process that reads
 * the files (a restore, a migration's target) runs in another directory,
 * maybe on another host. Not resolved further: a link (/vmlinuz) names
 * whatever it points to there. "" for none. 0, or -1 with errno.
 */
static int put_path(struct blob *b, const char *path)
{
	char cwd[PATH_MAX], abs[PATH_MAX];
	int n;

	if (!path || path[0] == '/') {
		if (path && strlen(path) >= PATH_MAX) {
			errno = ENAMETOOLONG;
			return -1;
		}
		blob_put_str(b, path ? path : "");
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	n = snprintf(abs, sizeof(abs), "%s/%s", cwd, path);
	if (n < 0 || n >= (int)sizeof(abs)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	blob_put_str(b, abs);
	return 0;
}

int boot_record_put(struct stream_writer *w, const struct vm_config *cfg)
{
	struct blob b = { 0 };
	unsigned int i;
	int ret;

	if (!cfg->linux_boot || cfg->boot_unknown)
		return 0;
	blob_put_u32(&b, cfg->no_reboot ? BOOT_F_NO_REBOOT : 0);
	if (put_path(&b, cfg->kernel) || put_path(&b, cfg->initrd) ||
	    put_path(&b, cfg->disk))
		goto fail;
	blob_put_u32(&b, cfg->nr_nets);
	for (i = 0; i < cfg->nr_nets; i++) {
		struct net_spec ns;
		char err[128];

		/* Checked by `hospes run`, or built by boot_record_apply(). */
		if (net_spec_parse(cfg->net[i], &ns, err, sizeof(err))) {
			errno = EINVAL;
			goto fail;
		}
		blob_put_str(&b, ns.ifname);
		blob_put(&b, ns.mac, sizeof(ns.mac));
	}
	if (b.bad) {
		errno = ENOMEM;
		goto fail;
	}
	/* A reader before 1.2 skips it: its restored guest stops at a reboot. */
	ret = stream_put_section(w, SEC_BOOT, SECTION_F_OPTIONAL, b.data, b.len);
	blob_free(&b);
	return ret;
fail:
	w->error = errno;
	blob_free(&b);
	return -1;
}

/* ---- reading ---------------------------------------------------------- */

/*
 * A path field: absolute and shorter than PATH_MAX, or "" where empty is
 * allowed (becomes NULL). 0, or -1 with err.
 */
static int get_path(struct blob *b, const char *what, bool may_be_empty,
		    char **out, char *err, size_t errlen)
{
	char *s = blob_get_str(b);

	*out = NULL;
	if (!s)
		return say_why(err, errlen, "the boot section is malformed (%s)", what);
	if (!*s && may_be_empty) {
		free(s);
		return 0;
	}
	if (s[0] != '/' || strlen(s) >= PATH_MAX) {
		free(s);
		return say_why(err, errlen, "the boot section's %s is not an absolute path (below %d bytes)",
			    what, PATH_MAX);
	}
	*out = s;
	return 0;
}

static int get_net(struct blob *b, unsigned int i, char spec[BOOT_NET_SPEC_MAX],
		   char *err, size_t errlen)
{
	uint8_t mac[NET_MAC_LEN];
	char *ifname = blob_get_str(b);
	bool ok;

	blob_get(b, mac, sizeof(mac));
	/* As --net checks them. */
	ok = ifname && !b->bad && net_ifname_valid(ifname, strlen(ifname)) &&
	     !(mac[0] & 1) && memcmp(mac, (uint8_t[NET_MAC_LEN]){ 0 }, NET_MAC_LEN);
	if (ok)
		snprintf(spec, BOOT_NET_SPEC_MAX,
			 "tap:%s,mac=%02x:%02x:%02x:%02x:%02x:%02x", ifname,
			 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	free(ifname);
	return ok ? 0 : say_why(err, errlen, "the boot section's network card %u is malformed", i);
}

int boot_record_parse(const void *payload, size_t len, struct boot_record *b,
		      char *err, size_t errlen)
{
	struct blob p;
	unsigned int i;

	blob_parse(&p, payload, len);
	b->flags = blob_get_u32(&p);
	if (get_path(&p, "kernel", false, &b->kernel, err, errlen) ||
	    get_path(&p, "initrd", true, &b->initrd, err, errlen) ||
	    get_path(&p, "disk", true, &b->disk, err, errlen))
		goto fail;
	b->nr_nets = blob_get_u32(&p);
	if (b->nr_nets > VM_MAX_NETS) {
		say_why(err, errlen, "the boot section has %u network cards, at most %d",
		     b->nr_nets, VM_MAX_NETS);
		goto fail;
	}
	for (i = 0; i < b->nr_nets; i++)
		if (get_net(&p, i, b->net[i], err, errlen))
			goto fail;
	if (!blob_done(&p)) {
		say_why(err, errlen, "the boot section is malformed (%zu bytes)", len);
		goto fail;
	}
	if (b->flags & ~BOOT_F_NO_REBOOT) {
		say_why(err, errlen, "unknown boot flags %#x", b->flags);
		goto fail;
	}
	b->present = true;
	return 0;
fail:
	boot_record_free(b);
	return -1;
}

void boot_record_free(struct boot_record *b)
{
	free(b->kernel);
	free(b->initrd);
	free(b->disk);
	memset(b, 0, sizeof(*b));
}

int boot_record_apply(const struct boot_record *b,
		      const struct boot_override *ov, struct vm_config *cfg,
		      char *err, size_t errlen)
{
	unsigned int i;

	cfg->no_reboot = ov->no_reboot;
	if ((ov->kernel || ov->initrd) && !cfg->linux_boot)
		return say_why(err, errlen, "--kernel and --initrd are for a Linux guest; the stream's is a PV guest, which hospes does not reboot");
	if (!cfg->linux_boot)
		return 0;
	if (!b->present) {
		if (ov->kernel || ov->initrd)
			return say_why(err, errlen, "--kernel and --initrd: the stream (format 1.1 or older) does not say how the guest boots (its disk, network cards): it cannot boot again");
		cfg->boot_unknown = true;
		return 0;
	}
	cfg->kernel = ov->kernel ? ov->kernel : b->kernel;
	cfg->initrd = ov->initrd ? ov->initrd : b->initrd;
	cfg->disk = b->disk;
	for (i = 0; i < b->nr_nets; i++)
		cfg->net[i] = b->net[i];
	cfg->nr_nets = b->nr_nets;
	cfg->no_reboot |= b->flags & BOOT_F_NO_REBOOT;
	return 0;
}

static void check_file(const char *what, const char *path)
{
	if (path && access(path, R_OK))
		fprintf(stderr, "hospes: warning: the guest's %s %s: %s: if the guest reboots, it will stop\n",
			what, path, strerror(errno));
}

void boot_record_check_files(const struct vm_config *cfg)
{
	if (!cfg->linux_boot || cfg->boot_unknown || cfg->no_reboot)
		return;
	check_file("kernel", cfg->kernel);
	check_file("initramfs", cfg->initrd);
}
