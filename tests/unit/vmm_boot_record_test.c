// SPDX-License-Identifier: GPL-2.0-only
/*
 * The boot record (SEC_BOOT, userspace/boot_record.h): a Linux guest's
 * kernel, initramfs, disk, network cards and --no-reboot written and read
 * back, relative paths made absolute; what a restore's command line
 * overrides; every malformed or truncated payload refused with a reason;
 * a stream without one (format 1.1) leaves the guest unbootable, and
 * overrides for it, or for a PV guest, are refused.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "blob.h"
#include "boot_record.h"
#include "machine.h"
#include "stream.h"

#include "kselftest_harness.h"

static const struct vm_config linux_cfg = {
	.name = "b", .kernel = "/boot/vmlinuz-6.1", .linux_boot = true,
	.initrd = "initrd.img", .disk = "/srv/disk.img", .mem_bytes = 256 << 20,
	.nr_vcpus = 2, .cmdline = "console=ttyS0",
	.net = { "tap:hv0", "tap:hv1,mac=52:54:00:12:34:56" }, .nr_nets = 2,
	.no_reboot = true,
};

/*
 * What boot_record_put() writes for cfg: the section's payload (to free),
 * its length in *len; NULL if it wrote none or failed (*len 1 then).
 */
static uint8_t *put(const struct vm_config *cfg, size_t *len)
{
	struct stream_writer *w = malloc(sizeof(*w));
	struct stream_section sec;
	int fd = memfd_create("boot", 0);
	uint8_t *p = NULL;
	off_t end;

	*len = 1;
	if (!w || fd < 0)
		goto out;
	stream_writer_init(w, fd);
	if (boot_record_put(w, cfg) || stream_flush(w))
		goto out;
	*len = 0;
	end = lseek(fd, 0, SEEK_END);
	if (end < (off_t)sizeof(sec) ||
	    pread(fd, &sec, sizeof(sec), 0) != sizeof(sec) ||
	    sec.type != SEC_BOOT || sec.flags != SECTION_F_OPTIONAL ||
	    sec.length + sizeof(sec) != (uint64_t)end)
		goto out;
	p = malloc(sec.length);
	if (p && pread(fd, p, sec.length, sizeof(sec)) != (ssize_t)sec.length) {
		free(p);
		p = NULL;
	}
	*len = sec.length;
out:
	if (fd >= 0)
		close(fd);
	free(w);
	return p;
}

TEST(a_linux_guest_s_boot_comes_back_with_absolute_paths)
{
	struct boot_record b = { 0 };
	char cwd[PATH_MAX], initrd[PATH_MAX + 16], err[256];
	size_t len;
	uint8_t *p = put(&linux_cfg, &len);

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, boot_record_parse(p, len, &b, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	snprintf(initrd, sizeof(initrd), "%s/initrd.img", cwd);
	EXPECT_TRUE(b.present);
	EXPECT_EQ(BOOT_F_NO_REBOOT, b.flags);
	EXPECT_STREQ("/boot/vmlinuz-6.1", b.kernel);
	EXPECT_STREQ(initrd, b.initrd);
	EXPECT_STREQ("/srv/disk.img", b.disk);
	ASSERT_EQ(2u, b.nr_nets);
	/* The MAC --net derived goes along, so that the card keeps it. */
	EXPECT_EQ(0, strncmp(b.net[0], "tap:hv0,mac=", 12)) TH_LOG("%s", b.net[0]);
	EXPECT_STREQ("tap:hv1,mac=52:54:00:12:34:56", b.net[1]);
	boot_record_free(&b);
	EXPECT_EQ(NULL, b.kernel);
	free(p);
}

TEST(the_record_written_from_a_restored_guest_is_the_same)
{
	struct boot_record b = { 0 }, again = { 0 };
	struct vm_config cfg = { .linux_boot = true, .mem_bytes = 1 << 30 };
	struct boot_override none = { 0 };
	size_t len, len2;
	uint8_t *p = put(&linux_cfg, &len), *p2;
	char err[256];
	struct net_spec a, z;

	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, boot_record_parse(p, len, &b, err, sizeof(err)));
	ASSERT_EQ(0, boot_record_apply(&b, &none, &cfg, err, sizeof(err)));
	EXPECT_FALSE(cfg.boot_unknown);
	EXPECT_TRUE(cfg.no_reboot);
	EXPECT_STREQ(b.kernel, cfg.kernel);
	EXPECT_STREQ(b.initrd, cfg.initrd);
	EXPECT_STREQ("/srv/disk.img", cfg.disk);
	ASSERT_EQ(2u, cfg.nr_nets);
	/* The card's spec is one --net takes, with the MAC it had. */
	ASSERT_EQ(0, net_spec_parse(cfg.net[0], &a, err, sizeof(err)));
	ASSERT_EQ(0, net_spec_parse("tap:hv0", &z, err, sizeof(err)));
	EXPECT_EQ(0, memcmp(a.mac, z.mac, sizeof(a.mac)));
	/* Saved again from there: byte for byte the same record. */
	p2 = put(&cfg, &len2);
	ASSERT_NE(NULL, p2);
	ASSERT_EQ(len, len2);
	EXPECT_EQ(0, memcmp(p, p2, len));
	ASSERT_EQ(0, boot_record_parse(p2, len2, &again, err, sizeof(err)));
	boot_record_free(&again);
	boot_record_free(&b);
	free(p);
	free(p2);
}

TEST(the_target_s_command_line_overrides_the_files)
{
	struct boot_record b = { 0 };
	struct vm_config cfg = { .linux_boot = true };
	struct vm_config plain = { .linux_boot = true, .kernel = "/k" };
	struct boot_override ov = {
		.kernel = "/other/vmlinuz", .initrd = "/other/initrd",
	};
	size_t len;
	uint8_t *p;
	char err[256];

	/* Without --no-reboot at the source, the target's may set it. */
	p = put(&plain, &len);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, boot_record_parse(p, len, &b, err, sizeof(err)));
	EXPECT_EQ(0u, b.flags);
	EXPECT_EQ(NULL, b.initrd);
	EXPECT_EQ(NULL, b.disk);
	EXPECT_EQ(0u, b.nr_nets);
	ASSERT_EQ(0, boot_record_apply(&b, &ov, &cfg, err, sizeof(err)));
	EXPECT_STREQ("/other/vmlinuz", cfg.kernel);
	EXPECT_STREQ("/other/initrd", cfg.initrd);
	EXPECT_FALSE(cfg.no_reboot);
	ov = (struct boot_override){ .no_reboot = true };
	ASSERT_EQ(0, boot_record_apply(&b, &ov, &cfg, err, sizeof(err)));
	EXPECT_STREQ("/k", cfg.kernel);
	EXPECT_EQ(NULL, cfg.initrd);
	EXPECT_TRUE(cfg.no_reboot);
	boot_record_free(&b);
	free(p);
}

TEST(no_record_for_a_pv_guest_or_an_unknown_boot)
{
	struct vm_config pv = { .kernel = "pvguest.elf", .cmdline = "" };
	struct vm_config unknown = linux_cfg;
	size_t len;

	EXPECT_EQ(NULL, put(&pv, &len));
	EXPECT_EQ(0u, len);
	unknown.boot_unknown = true;
	EXPECT_EQ(NULL, put(&unknown, &len));
	EXPECT_EQ(0u, len);
}

TEST(without_a_record_the_guest_cannot_boot_again)
{
	struct boot_record none = { 0 };
	struct vm_config cfg = { .linux_boot = true, .kernel = "vmlinuz" };
	struct vm_config pv = { .kernel = "pvguest.elf" };
	struct boot_override ov = { 0 };
	char err[256];

	ASSERT_EQ(0, boot_record_apply(&none, &ov, &cfg, err, sizeof(err)));
	EXPECT_TRUE(cfg.boot_unknown);
	/* Other files would boot it without its disk: refused, said why. */
	ov.kernel = "/boot/vmlinuz";
	EXPECT_NE(0, boot_record_apply(&none, &ov, &cfg, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "1.1 or older")) TH_LOG("%s", err);
	EXPECT_NE(0, boot_record_apply(&none, &ov, &pv, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "PV guest")) TH_LOG("%s", err);
	ov = (struct boot_override){ .no_reboot = true };
	EXPECT_EQ(0, boot_record_apply(&none, &ov, &pv, err, sizeof(err)));
}

/* A payload built field by field. */
struct fields {
	uint32_t flags;
	const char *kernel, *initrd, *disk;
	uint32_t nr_nets;
	const char *ifname;
	uint8_t mac[6];
	size_t extra;		/* trailing bytes */
};

static const struct fields good = {
	.kernel = "/k", .initrd = "", .disk = "/d", .nr_nets = 1,
	.ifname = "hv0", .mac = { 0x52, 0x54, 0, 1, 2, 3 },
};

static void build(struct blob *b, const struct fields *f)
{
	uint32_t i;

	*b = (struct blob){ 0 };
	blob_put_u32(b, f->flags);
	blob_put_str(b, f->kernel);
	blob_put_str(b, f->initrd);
	blob_put_str(b, f->disk);
	blob_put_u32(b, f->nr_nets);
	for (i = 0; i < f->nr_nets && i < 8; i++) {
		blob_put_str(b, f->ifname);
		blob_put(b, f->mac, sizeof(f->mac));
	}
	for (i = 0; i < f->extra; i++)
		blob_put(b, "", 1);
}

/* f's payload is refused, and the reason contains why: true if so. */
static bool refused(const struct fields *f, const char *why)
{
	struct boot_record b = { 0 };
	struct blob p;
	char err[256] = "";
	bool ok;

	build(&p, f);
	ok = boot_record_parse(p.data, p.len, &b, err, sizeof(err)) &&
	     strstr(err, why) && !b.present && !b.kernel;
	if (!ok)
		fprintf(stderr, "# not refused with \"%s\": %s\n", why, err);
	boot_record_free(&b);
	blob_free(&p);
	return ok;
}

TEST(a_malformed_record_is_refused_with_a_reason)
{
	struct boot_record b = { 0 };
	char long_path[PATH_MAX + 1], err[256];
	struct fields f = good;
	struct blob p;

	build(&p, &good);
	ASSERT_EQ(0, boot_record_parse(p.data, p.len, &b, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_STREQ("tap:hv0,mac=52:54:00:01:02:03", b.net[0]);
	EXPECT_EQ(NULL, b.initrd);
	boot_record_free(&b);
	blob_free(&p);

	f.kernel = "";
	EXPECT_TRUE(refused(&f, "kernel is not an absolute path"));
	f.kernel = "vmlinuz";
	EXPECT_TRUE(refused(&f, "kernel is not an absolute path"));
	f = good;
	f.initrd = "initrd";
	EXPECT_TRUE(refused(&f, "initrd is not an absolute path"));
	f = good;
	f.disk = "../disk";
	EXPECT_TRUE(refused(&f, "disk is not an absolute path"));
	f = good;
	memset(long_path, 'a', PATH_MAX);
	long_path[0] = '/';
	long_path[PATH_MAX] = '\0';
	f.kernel = long_path;
	EXPECT_TRUE(refused(&f, "kernel"));
	f = good;
	f.flags = 2;
	EXPECT_TRUE(refused(&f, "unknown boot flags 0x2"));
	f = good;
	f.nr_nets = VM_MAX_NETS + 1;
	EXPECT_TRUE(refused(&f, "network cards, at most"));
	f = good;
	f.ifname = "a/b";
	EXPECT_TRUE(refused(&f, "network card 0 is malformed"));
	f.ifname = "much-too-long-name";
	EXPECT_TRUE(refused(&f, "network card 0 is malformed"));
	f.ifname = "";
	EXPECT_TRUE(refused(&f, "network card 0 is malformed"));
	f = good;
	f.mac[0] = 0x01;	/* a group address */
	EXPECT_TRUE(refused(&f, "network card 0 is malformed"));
	memset(f.mac, 0, sizeof(f.mac));
	EXPECT_TRUE(refused(&f, "network card 0 is malformed"));
	f = good;
	f.extra = 1;
	EXPECT_TRUE(refused(&f, "malformed"));
}

TEST(a_string_with_a_nul_or_too_long_is_refused)
{
	struct boot_record b = { 0 };
	struct blob p = { 0 };
	char err[256];

	/* A kernel path of 3 bytes, the second a NUL: "/k" would be a lie. */
	blob_put_u32(&p, 0);
	blob_put_u32(&p, 3);
	blob_put(&p, "/\0k", 3);
	blob_put_str(&p, "");
	blob_put_str(&p, "");
	blob_put_u32(&p, 0);
	EXPECT_NE(0, boot_record_parse(p.data, p.len, &b, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "malformed (kernel)")) TH_LOG("%s", err);
	blob_free(&p);
	/* A length beyond the payload. */
	blob_put_u32(&p, 0);
	blob_put_u32(&p, 0xffffffff);
	blob_put(&p, "/k", 2);
	EXPECT_NE(0, boot_record_parse(p.data, p.len, &b, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "malformed (kernel)")) TH_LOG("%s", err);
	EXPECT_FALSE(b.present);
	blob_free(&p);
}

TEST(every_truncation_is_refused)
{
	struct boot_record b = { 0 };
	struct blob p;
	char err[256];
	size_t len;

	build(&p, &good);
	for (len = 0; len < p.len; len++) {
		/* A copy of just len bytes, so that a read past it would show. */
		uint8_t *cut = malloc(len ? len : 1);

		ASSERT_NE(NULL, cut);
		memcpy(cut, p.data, len);
		EXPECT_NE(0, boot_record_parse(cut, len, &b, err, sizeof(err)))
			TH_LOG("%zu of %zu bytes taken as whole", len, p.len);
		EXPECT_FALSE(b.present);
		free(cut);
	}
	blob_free(&p);
}

TEST_HARNESS_MAIN
