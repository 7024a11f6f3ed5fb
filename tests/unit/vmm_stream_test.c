// SPDX-License-Identifier: GPL-2.0-only
/*
 * The save/migration stream (docs/stream-format.md) on the host, no
 * module: a machine's configuration, RAM and state encoded and decoded
 * again; corruption and truncation anywhere refused; other major versions
 * refused; unknown sections skipped only when optional; a 1.0 stream (no
 * CPUID, no machine section) still read; a Linux machine's APIC state
 * carried and required; a block ring's state carried over to a new
 * machine.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/hospes_pv.h>

#include "devices/devices.h"
#include "hash64.h"
#include "incoming.h"
#include "machine.h"
#include "ram.h"
#include "snapshot.h"
#include "stream.h"

#include "kselftest_harness.h"

#define RAM_SIZE	(2u << 20)
#define PAGES		(RAM_SIZE / 4096)

static int no_event(struct machine *m, uint32_t port)
{
	(void)m;
	(void)port;
	return 0;
}

static void *new_ram(void)
{
	void *p = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* A receiving machine gets its RAM only, as tests have no /dev/hospes. */
static int ram_only(struct machine *m)
{
	m->mem.host = new_ram();
	m->mem.size = m->cfg->mem_bytes;
	return m->mem.host ? 0 : -1;
}

/* What encode() writes for each vCPU's CPUID and, if set, local APIC. */
static struct hospes_cpuid *test_cpuid[2];
static struct hospes_lapic_state *test_lapic;
static const struct hospes_ioapic_state test_ioapic = {
	.id = 0x01000000, .redir[4] = 0x10030, .lines = 1u << 4,
};

/* vCPU id's CPUID table: a few entries that tell the vCPUs apart. */
static struct hospes_cpuid *cpuid_table(unsigned int id)
{
	struct hospes_cpuid *t = calloc(1, sizeof(*t) + 3 * sizeof(t->entries[0]));

	if (!t)
		return NULL;
	t->nent = 3;
	t->entries[0] = (struct hospes_cpuid_entry){ .function = 0, .eax = 7 };
	t->entries[1] = (struct hospes_cpuid_entry){
		.function = 1, .ebx = id << 24, .ecx = 1u << 31, .edx = 0x178bfbff,
	};
	t->entries[2] = (struct hospes_cpuid_entry){
		.function = 7, .flags = HOSPES_CPUID_FLAG_INDEXED, .ebx = 0x9,
	};
	return t;
}

FIXTURE(stream)
{
	struct vm_config cfg;
	struct machine m;
	struct vcpu_state vcpu[2];
	int fd;			/* a memfd holding the stream */
	uint8_t *bytes;		/* its contents, after encode() */
	size_t len;
};

FIXTURE_SETUP(stream)
{
	unsigned int i;

	self->cfg = (struct vm_config){
		.name = "t", .kernel = "pvguest.elf", .mem_bytes = RAM_SIZE,
		.nr_vcpus = 2, .cmdline = "counter period_ms=5",
	};
	machine_init(&self->m, &self->cfg);
	self->m.send_event = no_event;
	self->m.mem.host = new_ram();
	self->m.mem.size = RAM_SIZE;
	ASSERT_NE(NULL, self->m.mem.host);
	/* Some pages of data, the rest zero. */
	for (i = 0; i < PAGES; i += 3)
		memset(self->m.mem.host + i * 4096, 0x40 + i % 64, 100 + i);
	ASSERT_EQ(0, serial8250_model.setup(&self->m));
	for (i = 0; i < 2; i++) {
		unsigned int j;

		memset(&self->vcpu[i], 0x11 * (i + 1), sizeof(self->vcpu[i]));
		for (j = 0; j < VCPU_STATE_MSRS; j++)
			self->vcpu[i].msrs[j] = (struct hospes_msr_entry){
				.index = vcpu_state_msrs[j], .data = j * 7 + i,
			};
	}
	for (i = 0; i < 2; i++) {
		test_cpuid[i] = cpuid_table(i);
		ASSERT_NE(NULL, test_cpuid[i]);
	}
	test_lapic = NULL;
	self->fd = memfd_create("stream", 0);
	ASSERT_LE(0, self->fd);
	self->bytes = NULL;
}

FIXTURE_TEARDOWN(stream)
{
	free(test_cpuid[0]);
	free(test_cpuid[1]);
	free(test_lapic);
	test_lapic = NULL;
	free(self->bytes);
	close(self->fd);
	machine_destroy(&self->m);
}

static const struct hospes_clock test_clock = { .ns = 123456789, .tsc = 987654321 };

/*
 * Write the whole stream as a live migration would: all data pages, then
 * a second pass of a changed page and a page become zero, then the state.
 */
static int encode(struct machine *m, const struct vcpu_state *vcpus, int fd,
		  uint8_t **bytes, size_t *len, uint32_t extra_type,
		  uint32_t extra_flags)
{
	struct stream_writer *w = malloc(sizeof(*w));
	struct saved_state state = { .clock = test_clock };
	struct ram_stats st = { 0 };
	uint64_t dirty[PAGES / 64] = { 0 };
	int ret = -1;

	state.pv.shinfo_gpa = 0x5000;
	state.pv.upcall_vector = 0xf3;
	state.vcpus = (struct vcpu_state *)vcpus;
	state.cpuid = test_cpuid;
	state.lapic = test_lapic;
	state.ioapic = test_ioapic;
	stream_writer_init(w, fd);
	if (stream_put_header(w, STREAM_F_LIVE) || snapshot_put_config(w, m) ||
	    ram_put_pages(w, &m->mem, NULL, true, &st))
		goto out;
	memset(m->mem.host + 3 * 4096, 0xee, 4096);	/* changed */
	memset(m->mem.host + 6 * 4096, 0, 4096);	/* now zero */
	dirty[0] = 1u << 3 | 1u << 6;
	if (ram_put_pages(w, &m->mem, dirty, false, &st))
		goto out;
	if (extra_type &&
	    stream_put_section(w, extra_type, extra_flags, "extra", 5))
		goto out;
	if (snapshot_put_saved(w, m, &state) ||
	    snapshot_put_migration(w, 42, MIGRATION_F_RAM_HASH, ram_hash(&m->mem)) ||
	    stream_put_end(w))
		goto out;
	*len = lseek(fd, 0, SEEK_END);
	*bytes = malloc(*len);
	if (*bytes && pread(fd, *bytes, *len, 0) == (ssize_t)*len)
		ret = 0;
out:
	free(w);
	return ret;
}

/* Decode len bytes of buf; on success the machine and snapshot are compared. */
struct decoded {
	struct vm_config cfg;
	struct machine m;
	struct snapshot s;
	char error[256];
};

static int decode(const uint8_t *buf, size_t len, struct decoded *d)
{
	struct stream_reader *r = malloc(sizeof(*r));
	int fd = memfd_create("in", 0), ret;

	d->cfg = (struct vm_config){ .name = "d" };
	machine_init(&d->m, &d->cfg);
	snapshot_init(&d->s);
	if (write(fd, buf, len) != (ssize_t)len)
		return -2;
	lseek(fd, 0, SEEK_SET);
	stream_reader_init(r, fd);
	ret = incoming_read(r, &d->m, &d->cfg, &d->s, ram_only);
	snprintf(d->error, sizeof(d->error), "%s", r->error);
	free(r);
	close(fd);
	return ret;
}

static void decoded_free(struct decoded *d)
{
	machine_destroy(&d->m);
	snapshot_free(&d->s);
}

TEST(hash_is_the_same_fed_at_once_or_in_pieces)
{
	uint8_t data[1000];
	struct hash64 h;
	unsigned int i, cut;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i * 31 + 7;
	for (cut = 0; cut < 100; cut += 7) {
		hash64_init(&h);
		hash64_update(&h, data, cut);
		hash64_update(&h, data + cut, 3);
		hash64_update(&h, data + cut + 3, sizeof(data) - cut - 3);
		EXPECT_EQ(hash64(data, sizeof(data)), hash64_final(&h));
	}
	/* Any one bit, and the length, changes it. */
	for (i = 0; i < 64; i++) {
		uint8_t copy[sizeof(data)];

		memcpy(copy, data, sizeof(copy));
		copy[i * 13] ^= 1u << (i % 8);
		EXPECT_NE(hash64(data, sizeof(data)), hash64(copy, sizeof(copy)));
	}
	EXPECT_NE(hash64(data, 999), hash64(data, 1000));
}

TEST_F(stream, a_machine_comes_back_as_it_went)
{
	struct decoded *d = calloc(1, sizeof(*d));
	unsigned int i;

	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0, 0));
	ASSERT_EQ(0, decode(self->bytes, self->len, d)) {
		TH_LOG("%s", d->error);
	}
	EXPECT_EQ(RAM_SIZE, d->cfg.mem_bytes);
	EXPECT_EQ(2u, d->cfg.nr_vcpus);
	EXPECT_STREQ("counter period_ms=5", d->cfg.cmdline);
	EXPECT_STREQ("pvguest.elf", d->cfg.kernel);
	EXPECT_EQ(0, memcmp(self->m.mem.host, d->m.mem.host, RAM_SIZE));
	EXPECT_EQ(test_clock.ns, d->s.clock.ns);
	EXPECT_EQ(test_clock.tsc, d->s.clock.tsc);
	EXPECT_EQ(0x5000u, d->s.pv.shinfo_gpa);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, memcmp(&self->vcpu[i], &d->s.vcpus[i],
				    sizeof(self->vcpu[i])));
		ASSERT_NE(NULL, d->s.cpuid[i]);
		ASSERT_EQ(3u, d->s.cpuid[i]->nent);
		EXPECT_EQ(0, memcmp(test_cpuid[i]->entries, d->s.cpuid[i]->entries,
				    3 * sizeof(test_cpuid[i]->entries[0])));
	}
	EXPECT_TRUE(d->s.has_machine);
	EXPECT_EQ((uint32_t)MACHINE_KIND_PV, d->s.machine_kind);
	EXPECT_FALSE(d->cfg.linux_boot);
	EXPECT_FALSE(d->s.has_ioapic);
	ASSERT_EQ(1u, d->s.nr_devices);
	EXPECT_STREQ("serial8250", d->s.device_names[0]);
	EXPECT_TRUE(d->s.has_migration);
	EXPECT_EQ(42u, d->s.pause_realtime_ns);
	EXPECT_EQ(ram_hash(&self->m.mem), d->s.ram_hash);
	decoded_free(d);
	free(d);
}

TEST_F(stream, any_flipped_byte_is_refused)
{
	struct decoded *d = calloc(1, sizeof(*d));
	size_t off, step;

	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0, 0));
	step = self->len / 97 + 1;
	for (off = 0; off < self->len; off += step) {
		self->bytes[off] ^= 0x20;
		EXPECT_NE(0, decode(self->bytes, self->len, d)) {
			TH_LOG("a flip at byte %zu of %zu was not noticed", off,
			       self->len);
		}
		EXPECT_NE('\0', d->error[0]);
		decoded_free(d);
		self->bytes[off] ^= 0x20;
	}
	/* The last byte is the checksum's. */
	self->bytes[self->len - 1] ^= 1;
	EXPECT_NE(0, decode(self->bytes, self->len, d));
	EXPECT_NE(NULL, strstr(d->error, "checksum mismatch"));
	decoded_free(d);
	free(d);
}

TEST_F(stream, a_truncated_stream_is_refused)
{
	struct decoded *d = calloc(1, sizeof(*d));
	size_t len, step;

	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0, 0));
	step = self->len / 89 + 1;
	for (len = 0; len < self->len; len += step) {
		EXPECT_NE(0, decode(self->bytes, len, d)) {
			TH_LOG("%zu of %zu bytes were taken as whole", len, self->len);
		}
		decoded_free(d);
	}
	EXPECT_NE(0, decode(self->bytes, self->len - 1, d));
	EXPECT_NE(NULL, strstr(d->error, "truncated"));
	decoded_free(d);
	free(d);
}

TEST_F(stream, another_major_version_or_magic_is_refused)
{
	struct decoded *d = calloc(1, sizeof(*d));
	struct stream_header *h;
	uint8_t *copy;

	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0, 0));
	copy = malloc(self->len);
	memcpy(copy, self->bytes, self->len);
	h = (struct stream_header *)copy;
	h->major = STREAM_MAJOR + 1;
	EXPECT_NE(0, decode(copy, self->len, d));
	EXPECT_NE(NULL, strstr(d->error, "written by a newer hospes")) {
		TH_LOG("%s", d->error);
	}
	decoded_free(d);
	h->major = STREAM_MAJOR;
	memcpy(h->magic, "NOTHOSPE", 8);
	EXPECT_NE(0, decode(copy, self->len, d));
	EXPECT_NE(NULL, strstr(d->error, "bad magic"));
	decoded_free(d);
	free(copy);
	free(d);
}

TEST_F(stream, unknown_sections_are_skipped_only_if_optional)
{
	struct decoded *d = calloc(1, sizeof(*d));

	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0x7777, SECTION_F_OPTIONAL));
	EXPECT_EQ(0, decode(self->bytes, self->len, d)) {
		TH_LOG("%s", d->error);
	}
	decoded_free(d);
	free(self->bytes);
	ASSERT_EQ(0, ftruncate(self->fd, 0));
	lseek(self->fd, 0, SEEK_SET);
	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0x7777, 0));
	EXPECT_NE(0, decode(self->bytes, self->len, d));
	EXPECT_NE(NULL, strstr(d->error, "unknown to this hospes and not optional"));
	decoded_free(d);
	free(d);
}

/* ---- other versions and machines ------------------------------------ */

/*
 * The stream bytes without the sections of the types listed (0-ended),
 * with minor version minor, sealed again: a new buffer, its size in *len.
 */
static uint8_t *rewrite(const uint8_t *in, size_t in_len, const uint32_t *drop,
			uint16_t minor, size_t *len)
{
	uint8_t *out = malloc(in_len);
	size_t off = sizeof(struct stream_header), o = off;
	struct stream_header h;

	if (!out)
		return NULL;
	memcpy(&h, in, sizeof(h));
	h.minor = minor;
	memcpy(out, &h, sizeof(h));
	while (off + sizeof(struct stream_section) <= in_len) {
		struct stream_section sec;
		const uint32_t *t;
		size_t whole;

		memcpy(&sec, in + off, sizeof(sec));
		whole = sizeof(sec) + sec.length;
		for (t = drop; *t && *t != sec.type; t++)
			;
		if (sec.type == SEC_END) {
			uint64_t hash;

			memcpy(out + o, &sec, sizeof(sec));
			o += sizeof(sec);
			hash = hash64(out, o);
			memcpy(out + o, &hash, sizeof(hash));
			*len = o + sizeof(hash);
			return out;
		}
		if (!*t) {
			memcpy(out + o, in + off, whole);
			o += whole;
		}
		off += whole;
	}
	free(out);
	return NULL;
}

/*
 * The stream bytes without the sections drop lists, as version 1.minor,
 * are refused, and the reason says why: true if so.
 */
static bool refused_without(const uint8_t *bytes, size_t len,
			    const uint32_t *drop, uint16_t minor, const char *why)
{
	struct decoded *d = calloc(1, sizeof(*d));
	uint8_t *cut = rewrite(bytes, len, drop, minor, &len);
	bool refused = false;

	if (d && cut) {
		refused = decode(cut, len, d) && strstr(d->error, why);
		if (!refused)
			fprintf(stderr, "# not refused with \"%s\": %s\n", why,
				d->error);
		decoded_free(d);
	}
	free(cut);
	free(d);
	return refused;
}

TEST_F(stream, a_1_0_stream_without_cpuid_is_still_read)
{
	static const uint32_t newer[] = { SEC_MACHINE, SEC_VCPU_CPUID, 0 };
	struct decoded *d = calloc(1, sizeof(*d));
	uint8_t *old;
	size_t len;

	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0, 0));
	old = rewrite(self->bytes, self->len, newer, 0, &len);
	ASSERT_NE(NULL, old);
	EXPECT_EQ(0, decode(old, len, d)) TH_LOG("%s", d->error);
	/* A PV machine, whose vCPUs will get this host's CPUID. */
	EXPECT_FALSE(d->s.has_machine);
	EXPECT_TRUE(d->s.cpuid[0] == NULL);
	EXPECT_FALSE(d->cfg.linux_boot);
	decoded_free(d);
	free(old);
	free(d);
	/* From 1.1 on, the CPUID is required. */
	EXPECT_TRUE(refused_without(self->bytes, self->len, newer, 1,
				    "vCPU 0's state is incomplete"));
}

TEST_F(stream, a_linux_machine_comes_with_its_apics_and_needs_them)
{
	static const uint32_t no_ioapic[] = { SEC_IOAPIC, 0 };
	static const uint32_t no_lapic[] = { SEC_VCPU_LAPIC, 0 };
	struct decoded *d = calloc(1, sizeof(*d));
	unsigned int i;

	self->cfg.linux_boot = true;
	self->cfg.virtio_console = true;
	test_lapic = calloc(2, sizeof(*test_lapic));
	ASSERT_NE(NULL, test_lapic);
	for (i = 0; i < 2; i++) {
		test_lapic[i].regs[0x20 / 4] = i << 24;		/* APIC id */
		test_lapic[i].regs[0x390 / 4] = 12345 + i;	/* current count */
		test_lapic[i].apic_base = 0xfee00900 - i * 0x100;
		test_lapic[i].tsc_deadline = 1000 + i;
	}
	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0, 0));
	ASSERT_EQ(0, decode(self->bytes, self->len, d)) TH_LOG("%s", d->error);
	EXPECT_EQ((uint32_t)MACHINE_KIND_LINUX, d->s.machine_kind);
	EXPECT_TRUE(d->cfg.linux_boot);
	EXPECT_TRUE(d->cfg.virtio_console);
	EXPECT_EQ(0, memcmp(&test_ioapic, &d->s.ioapic, sizeof(test_ioapic)));
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, memcmp(&test_lapic[i], &d->s.lapic[i],
				    sizeof(test_lapic[i])));
	decoded_free(d);

	free(d);
	EXPECT_TRUE(refused_without(self->bytes, self->len, no_ioapic,
				    STREAM_MINOR, "no I/O APIC section"));
	EXPECT_TRUE(refused_without(self->bytes, self->len, no_lapic,
				    STREAM_MINOR, "vCPU 0's state is incomplete"));
}

TEST_F(stream, a_pv_machine_with_apic_state_is_refused)
{
	struct decoded *d = calloc(1, sizeof(*d));

	test_lapic = calloc(2, sizeof(*test_lapic));
	ASSERT_NE(NULL, test_lapic);
	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0, 0));
	EXPECT_NE(0, decode(self->bytes, self->len, d));
	EXPECT_NE(NULL, strstr(d->error, "APIC")) TH_LOG("%s", d->error);
	decoded_free(d);
	free(d);
}

/* ---- a Linux guest's boot record (from 1.2) ------------------------- */

/* The fixture's machine as a Linux guest booted with a disk and a card. */
static void linux_boot_cfg(struct vm_config *cfg)
{
	cfg->linux_boot = true;
	cfg->kernel = "/boot/vmlinuz";
	cfg->initrd = "/boot/initrd.img";
	cfg->disk = "/srv/disk.img";
	cfg->net[0] = "tap:hv0,mac=52:54:00:00:00:01";
	cfg->nr_nets = 1;
	cfg->no_reboot = true;
	test_lapic = calloc(2, sizeof(*test_lapic));
}

TEST_F(stream, a_linux_guest_s_boot_record_goes_along)
{
	static const uint32_t boot[] = { SEC_BOOT, 0 };
	struct decoded *d = calloc(1, sizeof(*d));
	struct boot_override none = { 0 };
	char err[256];
	uint8_t *old;
	size_t len;

	linux_boot_cfg(&self->cfg);
	ASSERT_NE(NULL, test_lapic);
	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0, 0));
	ASSERT_EQ(0, decode(self->bytes, self->len, d)) TH_LOG("%s", d->error);
	ASSERT_TRUE(d->s.boot.present);
	ASSERT_EQ(0, boot_record_apply(&d->s.boot, &none, &d->cfg, err, sizeof(err)));
	EXPECT_STREQ("/boot/vmlinuz", d->cfg.kernel);
	EXPECT_STREQ("/boot/initrd.img", d->cfg.initrd);
	EXPECT_STREQ("/srv/disk.img", d->cfg.disk);
	EXPECT_STREQ(self->cfg.cmdline, d->cfg.cmdline);
	ASSERT_EQ(1u, d->cfg.nr_nets);
	EXPECT_STREQ("tap:hv0,mac=52:54:00:00:00:01", d->cfg.net[0]);
	EXPECT_TRUE(d->cfg.no_reboot);
	EXPECT_FALSE(d->cfg.boot_unknown);
	EXPECT_EQ(2u, d->cfg.nr_vcpus);
	decoded_free(d);

	/* A 1.1 stream has none: read as before, the guest cannot reboot. */
	old = rewrite(self->bytes, self->len, boot, 1, &len);
	ASSERT_NE(NULL, old);
	ASSERT_EQ(0, decode(old, len, d)) TH_LOG("%s", d->error);
	EXPECT_FALSE(d->s.boot.present);
	EXPECT_TRUE(d->cfg.linux_boot);
	ASSERT_EQ(0, boot_record_apply(&d->s.boot, &none, &d->cfg, err, sizeof(err)));
	EXPECT_TRUE(d->cfg.boot_unknown);
	decoded_free(d);
	free(old);
	free(d);
}

TEST_F(stream, a_bad_boot_record_in_a_stream_is_refused)
{
	struct decoded *d = calloc(1, sizeof(*d));

	/* A PV guest with one: "extra" is no boot record anyway. */
	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, SEC_BOOT, SECTION_F_OPTIONAL));
	EXPECT_NE(0, decode(self->bytes, self->len, d));
	EXPECT_NE(NULL, strstr(d->error, "the boot section is malformed")) TH_LOG("%s", d->error);
	decoded_free(d);
	free(self->bytes);
	ASSERT_EQ(0, ftruncate(self->fd, 0));
	lseek(self->fd, 0, SEEK_SET);
	/* A Linux guest's, then a second one. */
	linux_boot_cfg(&self->cfg);
	ASSERT_NE(NULL, test_lapic);
	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, SEC_BOOT, SECTION_F_OPTIONAL));
	EXPECT_NE(0, decode(self->bytes, self->len, d));
	EXPECT_NE(NULL, strstr(d->error, "the boot section comes twice")) TH_LOG("%s", d->error);
	decoded_free(d);
	free(d);
}

TEST_F(stream, a_pv_guest_s_stream_with_a_boot_record_is_refused)
{
	static const uint32_t machine[] = { SEC_MACHINE, 0 };
	struct decoded *d = calloc(1, sizeof(*d));
	uint8_t *pv;
	size_t len;

	/* A Linux guest's stream without its machine section reads as PV. */
	linux_boot_cfg(&self->cfg);
	free(test_lapic);
	test_lapic = NULL;
	ASSERT_EQ(0, encode(&self->m, self->vcpu, self->fd, &self->bytes,
			    &self->len, 0, 0));
	pv = rewrite(self->bytes, self->len, machine, STREAM_MINOR, &len);
	ASSERT_NE(NULL, pv);
	EXPECT_NE(0, decode(pv, len, d));
	EXPECT_NE(NULL, strstr(d->error, "a boot section for a PV guest")) TH_LOG("%s", d->error);
	decoded_free(d);
	free(pv);
	free(d);
}

/* ---- the block ring's state ------------------------------------------ */

static int post_read(struct hospes_blk_ring *ring, uint64_t sector,
		     uint64_t buf_gpa)
{
	uint32_t idx = ring->req_prod;

	ring->slots[idx % ring->nr_slots] = (struct hospes_blk_request){
		.op = HOSPES_BLK_READ, .status = 999, .sector = sector,
		.buf_gpa = buf_gpa, .len = 512,
	};
	ring->req_prod = idx + 1;
	return idx;
}

TEST(a_block_ring_goes_on_where_it_was)
{
	struct vm_config cfg = { .nr_vcpus = 1, .cmdline = "" };
	struct machine a, b;
	char path[] = "/tmp/vmm-stream-disk-XXXXXX", err[128];
	struct hospes_blk_ring *ring;
	struct blob state = { 0 };
	uint8_t sector[512];
	struct device *dev;
	unsigned int i;
	int fd, idx;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	for (i = 0; i < 8; i++) {
		memset(sector, 0xa0 + i, sizeof(sector));
		ASSERT_EQ(512, write(fd, sector, sizeof(sector)));
	}
	close(fd);
	cfg.disk = path;

	machine_init(&a, &cfg);
	a.send_event = no_event;
	a.mem = (struct guest_mem){ .host = new_ram(), .size = RAM_SIZE };
	ASSERT_EQ(0, pvboot_init(&a.boot, &a.mem, 0x100000, 0x101000, "", err,
				 sizeof(err)));
	ASSERT_EQ(0, blkring_model.setup(&a));
	ASSERT_EQ(1u, a.boot.nr_devices);
	ring = gpa_to_host(&a.mem, a.boot.devices[0].ring_gpa, 4096);
	idx = post_read(ring, 2, 0x180000);
	blkring_serve(a.devices);
	EXPECT_EQ(0, ring->slots[idx % ring->nr_slots].status);
	a.devices->save(a.devices, &state);
	ASSERT_FALSE(state.bad);

	/* A new machine with the same RAM, as a restore makes it. */
	machine_init(&b, &cfg);
	b.send_event = no_event;
	b.mem = (struct guest_mem){ .host = new_ram(), .size = RAM_SIZE };
	memcpy(b.mem.host, a.mem.host, RAM_SIZE);
	blob_parse(&state, state.data, state.len);
	ASSERT_EQ(0, blkring_model.restore(&b, &state));
	dev = b.devices;
	ring = gpa_to_host(&b.mem, a.boot.devices[0].ring_gpa, 4096);
	idx = post_read(ring, 5, 0x190000);
	blkring_serve(dev);
	EXPECT_EQ(0, ring->slots[idx % ring->nr_slots].status);
	EXPECT_EQ(2u, ring->rsp_prod);
	EXPECT_EQ(0xa5, b.mem.host[0x190000]);
	free(state.data);
	machine_destroy(&a);
	machine_destroy(&b);
	unlink(path);
}

TEST(a_malformed_block_ring_state_is_refused)
{
	struct vm_config cfg = { .nr_vcpus = 1, .cmdline = "" };
	struct blob state = { 0 };
	struct machine b;

	machine_init(&b, &cfg);
	b.mem = (struct guest_mem){ .host = new_ram(), .size = RAM_SIZE };
	blob_put_str(&state, "/dev/null");
	blob_put_u64(&state, 1);	/* and nothing more */
	blob_parse(&state, state.data, state.len);
	EXPECT_NE(0, blkring_model.restore(&b, &state));
	free(state.data);
	machine_destroy(&b);
}

TEST_HARNESS_MAIN
