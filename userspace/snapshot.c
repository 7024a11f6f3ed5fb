// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_compat.h"
#include "devices/devices.h"
#include "host_cpuid.h"
#include "linux.h"
#include "machine.h"
#include "snapshot.h"
#include "util.h"
#include "vcpu.h"

/* A vCPU section's payload starts with its id. */
struct vcpu_tag {
	uint32_t id;
	uint32_t count;		/* MSRS: entries that follow; else 0 */
};

/* ---- writing ---------------------------------------------------------- */

int snapshot_can_save(struct machine *m, char *err, size_t errlen)
{
	struct device *dev;
	unsigned int n = 0;

	for (dev = m->devices; dev; dev = dev->next, n++) {
		const struct device_model *model = device_model_find(dev->name);

		if (!dev->save || !model || !model->restore) {
			snprintf(err, errlen, "device %s cannot be saved or migrated yet",
				 dev->name);
			return -1;
		}
	}
	if (n > SNAPSHOT_MAX_DEVICES) {
		snprintf(err, errlen, "more than %d devices", SNAPSHOT_MAX_DEVICES);
		return -1;
	}
	return 0;
}

/* The devices (all savable: snapshot_can_save), in the order they were added. */
static unsigned int saved_devices(struct machine *m,
				  struct device *out[SNAPSHOT_MAX_DEVICES])
{
	struct device *dev;
	unsigned int n = 0, i;

	for (dev = m->devices; dev && n < SNAPSHOT_MAX_DEVICES; dev = dev->next)
		out[n++] = dev;
	for (i = 0; i < n / 2; i++) {
		dev = out[i];
		out[i] = out[n - 1 - i];
		out[n - 1 - i] = dev;
	}
	return n;
}

static int put_blob(struct stream_writer *w, uint32_t type, uint32_t flags,
		    struct blob *b)
{
	int ret;

	if (b->bad) {
		w->error = ENOMEM;
		ret = -1;
	} else {
		ret = stream_put_section(w, type, flags, b->data, b->len);
	}
	blob_free(b);
	return ret;
}

int snapshot_put_config(struct stream_writer *w, struct machine *m)
{
	struct device *devs[SNAPSHOT_MAX_DEVICES];
	unsigned int n = saved_devices(m, devs), i;
	struct blob b = { 0 };

	blob_put_u64(&b, m->mem.size);
	blob_put_u32(&b, m->cfg->nr_vcpus);
	blob_put_str(&b, m->cfg->cmdline);
	blob_put_str(&b, m->cfg->kernel);
	blob_put_u32(&b, n);
	for (i = 0; i < n; i++)
		blob_put_str(&b, devs[i]->name);
	if (put_blob(w, SEC_CONFIG, 0, &b))
		return -1;
	/* A reader older than 1.1 may skip it only for what it knows: PV. */
	blob_put_u32(&b, m->cfg->linux_boot ? MACHINE_KIND_LINUX : MACHINE_KIND_PV);
	blob_put_u32(&b, m->cfg->virtio_console ? MACHINE_F_VIRTIO_CONSOLE : 0);
	if (put_blob(w, SEC_MACHINE,
		     m->cfg->linux_boot ? 0 : SECTION_F_OPTIONAL, &b))
		return -1;
	return boot_record_put(w, m->cfg);
}

void snapshot_hold_devices(struct machine *m, bool hold)
{
	struct device *dev;

	for (dev = m->devices; dev; dev = dev->next) {
		if (hold)
			pthread_mutex_lock(&dev->lock);
		else
			pthread_mutex_unlock(&dev->lock);
	}
}

static int put_vcpu_part(struct stream_writer *w, uint32_t type, uint32_t id,
			 uint32_t count, const void *data, size_t len)
{
	struct vcpu_tag tag = { .id = id, .count = count };

	if (stream_begin_section(w, type, 0, sizeof(tag) + len))
		return -1;
	if (stream_put(w, &tag, sizeof(tag)))
		return -1;
	return stream_put(w, data, len);
}

static int put_vcpu(struct stream_writer *w, const struct saved_state *st,
		    uint32_t id)
{
	const struct vcpu_state *s = &st->vcpus[id];
	const struct hospes_cpuid *c = st->cpuid[id];

	/* Optional for readers before 1.1, which give the host's CPUID. */
	if (stream_begin_section(w, SEC_VCPU_CPUID, SECTION_F_OPTIONAL,
				 sizeof(struct vcpu_tag) +
				 c->nent * sizeof(c->entries[0])) ||
	    stream_put(w, &(struct vcpu_tag){ .id = id, .count = c->nent },
		       sizeof(struct vcpu_tag)) ||
	    stream_put(w, c->entries, c->nent * sizeof(c->entries[0])))
		return -1;
	if (st->lapic && put_vcpu_part(w, SEC_VCPU_LAPIC, id, 0, &st->lapic[id],
				       sizeof(st->lapic[id])))
		return -1;
	if (put_vcpu_part(w, SEC_VCPU_REGS, id, 0, &s->regs, sizeof(s->regs)) ||
	    put_vcpu_part(w, SEC_VCPU_SREGS, id, 0, &s->sregs, sizeof(s->sregs)) ||
	    put_vcpu_part(w, SEC_VCPU_MSRS, id, VCPU_STATE_MSRS, s->msrs,
			  sizeof(s->msrs)) ||
	    put_vcpu_part(w, SEC_VCPU_XSAVE, id, 0, &s->xsave, sizeof(s->xsave)))
		return -1;
	return put_vcpu_part(w, SEC_VCPU_EVENTS, id, 0, &s->events,
			     sizeof(s->events));
}

static int put_devices(struct stream_writer *w, struct machine *m)
{
	struct device *devs[SNAPSHOT_MAX_DEVICES];
	unsigned int n = saved_devices(m, devs), i;

	for (i = 0; i < n; i++) {
		struct blob b = { 0 };

		blob_put_str(&b, devs[i]->name);
		/* Held: snapshot_hold_devices(). */
		devs[i]->save(devs[i], &b);
		if (put_blob(w, SEC_DEVICE, 0, &b))
			return -1;
	}
	return 0;
}

int snapshot_put_saved(struct stream_writer *w, struct machine *m,
		       const struct saved_state *st)
{
	unsigned int i;

	if (stream_put_section(w, SEC_CLOCK, 0, &st->clock, sizeof(st->clock)) ||
	    stream_put_section(w, SEC_PV_STATE, 0, &st->pv, sizeof(st->pv)))
		return -1;
	if (st->lapic && stream_put_section(w, SEC_IOAPIC, 0, &st->ioapic,
					    sizeof(st->ioapic)))
		return -1;
	for (i = 0; i < m->cfg->nr_vcpus; i++)
		if (put_vcpu(w, st, i))
			return -1;
	return put_devices(w, m);
}

int snapshot_take(struct machine *m, int suspended_vcpu, struct saved_state *st,
		  char *err, size_t errlen)
{
	unsigned int i, n = m->cfg->nr_vcpus;
	const char *what;

	memset(st, 0, sizeof(*st));
	st->vcpus = calloc(n, sizeof(*st->vcpus));
	st->cpuid = calloc(n, sizeof(*st->cpuid));
	if (m->irqchip)
		st->lapic = calloc(n, sizeof(*st->lapic));
	if (!st->vcpus || !st->cpuid || (m->irqchip && !st->lapic)) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (vm_get_clock(&m->vm, &st->clock)) {
		snprintf(err, errlen, "HOSPES_GET_CLOCK: %s", strerror(errno));
		goto fail;
	}
	if (vm_get_pv_state(&m->vm, &st->pv)) {
		snprintf(err, errlen, "HOSPES_GET_PV_STATE: %s", strerror(errno));
		goto fail;
	}
	if (m->irqchip && vm_get_ioapic(&m->vm, &st->ioapic)) {
		snprintf(err, errlen, "HOSPES_GET_IOAPIC: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < n; i++) {
		int fd = m->vcpus[i].fd;

		if (vcpu_get_state(fd, &st->vcpus[i], &what)) {
			snprintf(err, errlen, "vCPU %u: %s: %s", i, what,
				 strerror(errno));
			goto fail;
		}
		st->cpuid[i] = vcpu_get_cpuid(fd);
		if (!st->cpuid[i]) {
			snprintf(err, errlen, "vCPU %u: HOSPES_GET_CPUID: %s", i,
				 strerror(errno));
			goto fail;
		}
		if (st->lapic && vcpu_get_lapic(fd, &st->lapic[i])) {
			snprintf(err, errlen, "vCPU %u: HOSPES_GET_LAPIC: %s", i,
				 strerror(errno));
			goto fail;
		}
	}
	/* SUSPEND returns 1 in the copy: it runs in a new VM. */
	if (suspended_vcpu >= 0 && (unsigned int)suspended_vcpu < n)
		st->vcpus[suspended_vcpu].regs.rax = 1;
	st->nr_vcpus = n;
	return 0;
fail:
	st->nr_vcpus = n;
	snapshot_release(st);
	return -1;
}

void snapshot_release(struct saved_state *st)
{
	unsigned int i;

	for (i = 0; st->cpuid && i < st->nr_vcpus; i++)
		free(st->cpuid[i]);
	free(st->cpuid);
	free(st->lapic);
	free(st->vcpus);
	memset(st, 0, sizeof(*st));
}

int snapshot_put_migration(struct stream_writer *w, uint64_t pause_realtime_ns,
			   uint32_t flags, uint64_t ram_hash)
{
	struct blob b = { 0 };

	blob_put_u64(&b, pause_realtime_ns);
	blob_put_u32(&b, flags);
	blob_put_u32(&b, 0);
	blob_put_u64(&b, ram_hash);
	if (b.bad) {
		blob_free(&b);
		w->error = ENOMEM;
		return -1;
	}
	if (stream_put_section(w, SEC_MIGRATION, SECTION_F_OPTIONAL, b.data, b.len)) {
		blob_free(&b);
		return -1;
	}
	blob_free(&b);
	return 0;
}

/* ---- reading ---------------------------------------------------------- */

void snapshot_init(struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
}

void snapshot_free(struct snapshot *s)
{
	unsigned int i;

	free(s->cmdline);
	free(s->kernel);
	boot_record_free(&s->boot);
	for (i = 0; i < s->nr_devices; i++) {
		free(s->device_names[i]);
		free(s->device_state[i].data);
	}
	for (i = 0; s->cpuid && i < s->nr_vcpus; i++)
		free(s->cpuid[i]);
	free(s->cpuid);
	free(s->lapic);
	free(s->vcpus);
	free(s->vcpu_has);
	snapshot_init(s);
}

/* A small section's whole payload, for the caller to free. NULL on error. */
static uint8_t *get_payload(struct stream_reader *r,
			    const struct stream_section *sec)
{
	uint8_t *p;

	if (sec->length > SECTION_MAX_SMALL) {
		stream_fail(r, "section type %u of %llu bytes: too big", sec->type,
			    (unsigned long long)sec->length);
		return NULL;
	}
	p = malloc(sec->length ? sec->length : 1);
	if (!p) {
		stream_fail(r, "out of memory");
		return NULL;
	}
	if (stream_get(r, p, sec->length)) {
		free(p);
		return NULL;
	}
	return p;
}

int snapshot_get_config(struct stream_reader *r, struct snapshot *s,
			const struct stream_section *sec, struct vm_config *cfg)
{
	uint8_t *p = get_payload(r, sec);
	struct blob b;
	unsigned int i;
	int ret = -1;

	if (!p)
		return -1;
	blob_parse(&b, p, sec->length);
	s->mem_bytes = blob_get_u64(&b);
	s->nr_vcpus = blob_get_u32(&b);
	s->cmdline = blob_get_str(&b);
	s->kernel = blob_get_str(&b);
	s->nr_devices = blob_get_u32(&b);
	if (b.bad || s->nr_devices > SNAPSHOT_MAX_DEVICES) {
		s->nr_devices = 0;
		stream_fail(r, "the configuration section is malformed");
		goto out;
	}
	for (i = 0; i < s->nr_devices; i++)
		s->device_names[i] = blob_get_str(&b);
	if (!blob_done(&b)) {
		stream_fail(r, "the configuration section is malformed");
		goto out;
	}
	if (!s->mem_bytes || s->mem_bytes % GUEST_PAGE_SIZE ||
	    s->mem_bytes > MACHINE_MAX_MEMORY) {
		stream_fail(r, "guest memory of %llu bytes: not a multiple of 4K from 4K to 1T",
			    (unsigned long long)s->mem_bytes);
		goto out;
	}
	if (!s->nr_vcpus || s->nr_vcpus > HOSPES_MAX_VCPUS) {
		stream_fail(r, "%u vCPUs: from 1 to %d", s->nr_vcpus,
			    HOSPES_MAX_VCPUS);
		goto out;
	}
	for (i = 0; i < s->nr_devices; i++) {
		const struct device_model *model = device_model_find(s->device_names[i]);

		if (!model || !model->restore) {
			stream_fail(r, "device '%s' is unknown to this hospes, or cannot be restored",
				    s->device_names[i]);
			goto out;
		}
	}
	s->vcpus = calloc(s->nr_vcpus, sizeof(*s->vcpus));
	s->vcpu_has = calloc(s->nr_vcpus, 1);
	s->cpuid = calloc(s->nr_vcpus, sizeof(*s->cpuid));
	s->lapic = calloc(s->nr_vcpus, sizeof(*s->lapic));
	if (!s->vcpus || !s->vcpu_has || !s->cpuid || !s->lapic) {
		stream_fail(r, "out of memory");
		goto out;
	}
	cfg->mem_bytes = s->mem_bytes;
	cfg->nr_vcpus = s->nr_vcpus;
	cfg->cmdline = s->cmdline;
	cfg->kernel = s->kernel;
	cfg->disk = NULL;
	ret = 0;
out:
	free(p);
	return ret;
}

int snapshot_get_machine(struct stream_reader *r, struct snapshot *s,
			 const struct stream_section *sec, struct vm_config *cfg)
{
	uint8_t *p;
	struct blob b;
	int ret = 0;

	if (s->has_machine)
		return stream_fail(r, "the machine section comes twice");
	p = get_payload(r, sec);
	if (!p)
		return -1;
	blob_parse(&b, p, sec->length);
	s->machine_kind = blob_get_u32(&b);
	s->machine_flags = blob_get_u32(&b);
	if (!blob_done(&b))
		ret = stream_fail(r, "the machine section is malformed");
	else if (s->machine_kind > MACHINE_KIND_LINUX)
		ret = stream_fail(r, "machine kind %u is unknown to this hospes",
				  s->machine_kind);
	else if (s->machine_flags & ~MACHINE_F_VIRTIO_CONSOLE)
		ret = stream_fail(r, "unknown machine flags %#x", s->machine_flags);
	free(p);
	if (ret)
		return ret;
	s->has_machine = true;
	cfg->linux_boot = s->machine_kind == MACHINE_KIND_LINUX;
	cfg->virtio_console = s->machine_flags & MACHINE_F_VIRTIO_CONSOLE;
	return 0;
}

static bool linux_machine(const struct snapshot *s)
{
	return s->has_machine && s->machine_kind == MACHINE_KIND_LINUX;
}

/*
 * A vCPU's CPUID table: count entries, checked as HOSPES_SET_CPUID
 * checks them (it filters them again on this host).
 */
static int get_cpuid(struct stream_reader *r, struct snapshot *s,
		     const struct stream_section *sec,
		     const struct vcpu_tag *tag)
{
	struct hospes_cpuid *t;
	uint32_t i;

	if (tag->count > HOSPES_MAX_CPUID_ENTRIES ||
	    sec->length - sizeof(*tag) != tag->count * sizeof(t->entries[0]))
		return stream_fail(r, "vCPU %u: a CPUID section of %llu bytes for %u entries",
				   tag->id, (unsigned long long)sec->length,
				   tag->count);
	t = malloc(sizeof(*t) + tag->count * sizeof(t->entries[0]));
	if (!t)
		return stream_fail(r, "out of memory");
	*t = (struct hospes_cpuid){ .nent = tag->count };
	if (stream_get(r, t->entries, tag->count * sizeof(t->entries[0]))) {
		free(t);
		return -1;
	}
	for (i = 0; i < t->nent; i++)
		if (t->entries[i].reserved ||
		    (t->entries[i].flags & ~HOSPES_CPUID_FLAG_INDEXED)) {
			free(t);
			return stream_fail(r, "vCPU %u: CPUID entry %u is malformed",
					   tag->id, i);
		}
	s->cpuid[tag->id] = t;
	return 0;
}

/* Where each vCPU section's structure goes, and its size. */
static void *vcpu_part(struct vcpu_state *v, struct hospes_lapic_state *lapic,
		       uint32_t type, size_t *len, uint8_t *bit)
{
	switch (type) {
	case SEC_VCPU_REGS:
		*len = sizeof(v->regs);
		*bit = VCPU_HAS_REGS;
		return &v->regs;
	case SEC_VCPU_SREGS:
		*len = sizeof(v->sregs);
		*bit = VCPU_HAS_SREGS;
		return &v->sregs;
	case SEC_VCPU_MSRS:
		*len = sizeof(v->msrs);
		*bit = VCPU_HAS_MSRS;
		return v->msrs;
	case SEC_VCPU_XSAVE:
		*len = sizeof(v->xsave);
		*bit = VCPU_HAS_XSAVE;
		return &v->xsave;
	case SEC_VCPU_CPUID:
		*len = 0;	/* variable: get_cpuid() */
		*bit = VCPU_HAS_CPUID;
		return NULL;
	case SEC_VCPU_LAPIC:
		*len = sizeof(*lapic);
		*bit = VCPU_HAS_LAPIC;
		return lapic;
	default:
		*len = sizeof(v->events);
		*bit = VCPU_HAS_EVENTS;
		return &v->events;
	}
}

static int get_vcpu(struct stream_reader *r, struct snapshot *s,
		    const struct stream_section *sec)
{
	struct vcpu_tag tag;
	uint8_t bit;
	size_t len;
	void *dst;
	unsigned int i;

	if (sec->length < sizeof(tag))
		return stream_fail(r, "a vCPU section without its vCPU id");
	if (stream_get(r, &tag, sizeof(tag)))
		return -1;
	if (tag.id >= s->nr_vcpus)
		return stream_fail(r, "state of vCPU %u, but the VM has %u", tag.id,
				   s->nr_vcpus);
	dst = vcpu_part(&s->vcpus[tag.id], &s->lapic[tag.id], sec->type, &len,
			&bit);
	if (s->vcpu_has[tag.id] & bit)
		return stream_fail(r, "vCPU %u's section type %u comes twice", tag.id,
				   sec->type);
	if (!dst) {
		if (get_cpuid(r, s, sec, &tag))
			return -1;
		s->vcpu_has[tag.id] |= bit;
		return 0;
	}
	if (sec->length - sizeof(tag) != len)
		return stream_fail(r, "vCPU section type %u of %llu bytes, expected %zu",
				   sec->type, (unsigned long long)sec->length,
				   sizeof(tag) + len);
	if (stream_get(r, dst, len))
		return -1;
	if (sec->type == SEC_VCPU_MSRS) {
		if (tag.count != VCPU_STATE_MSRS)
			return stream_fail(r, "vCPU %u: %u MSRs, expected %u", tag.id,
					   tag.count, VCPU_STATE_MSRS);
		for (i = 0; i < VCPU_STATE_MSRS; i++)
			if (s->vcpus[tag.id].msrs[i].index != vcpu_state_msrs[i])
				return stream_fail(r, "vCPU %u: MSR %#x where %#x belongs",
						   tag.id, s->vcpus[tag.id].msrs[i].index,
						   vcpu_state_msrs[i]);
	}
	s->vcpu_has[tag.id] |= bit;
	return 0;
}

static int get_device(struct stream_reader *r, struct snapshot *s,
		      const struct stream_section *sec)
{
	uint8_t *p = get_payload(r, sec);
	struct blob b;
	char *name;
	unsigned int i;

	if (!p)
		return -1;
	blob_parse(&b, p, sec->length);
	name = blob_get_str(&b);
	for (i = 0; name && i < s->nr_devices; i++)
		if (!strcmp(s->device_names[i], name) && !s->device_seen[i])
			break;
	if (!name || i == s->nr_devices) {
		stream_fail(r, "state of device '%s', which the configuration does not list (or twice)",
			    name ? name : "?");
		free(name);
		free(p);
		return -1;
	}
	free(name);
	/* The device's own bytes, after the name; the blob owns p. */
	s->device_state[i] = (struct blob){ .data = p, .len = sec->length, .pos = b.pos };
	s->device_seen[i] = true;
	return 0;
}

static int get_boot(struct stream_reader *r, struct snapshot *s,
		    const struct stream_section *sec)
{
	char err[200];
	uint8_t *p;
	int ret;

	if (s->boot.present)
		return stream_fail(r, "the boot section comes twice");
	p = get_payload(r, sec);
	if (!p)
		return -1;
	ret = boot_record_parse(p, sec->length, &s->boot, err, sizeof(err));
	free(p);
	return ret ? stream_fail(r, "%s", err) : 0;
}

static int get_fixed(struct stream_reader *r, const struct stream_section *sec,
		     void *dst, size_t len, bool *seen, const char *what)
{
	if (*seen)
		return stream_fail(r, "the %s section comes twice", what);
	if (sec->length != len)
		return stream_fail(r, "%s section of %llu bytes, expected %zu", what,
				   (unsigned long long)sec->length, len);
	*seen = true;
	return stream_get(r, dst, len);
}

static int get_migration(struct stream_reader *r, struct snapshot *s,
			 const struct stream_section *sec)
{
	uint8_t *p = get_payload(r, sec);
	struct blob b;
	int ret = 0;

	if (!p)
		return -1;
	blob_parse(&b, p, sec->length);
	s->pause_realtime_ns = blob_get_u64(&b);
	s->migration_flags = blob_get_u32(&b);
	blob_get_u32(&b);
	s->ram_hash = blob_get_u64(&b);
	/* Optional: a newer writer may append fields, so only a short one is bad. */
	if (b.bad)
		ret = stream_fail(r, "the migration section is malformed");
	s->has_migration = !ret;
	free(p);
	return ret;
}

int snapshot_get_section(struct stream_reader *r, struct snapshot *s,
			 const struct stream_section *sec)
{
	switch (sec->type) {
	case SEC_CLOCK:
		return get_fixed(r, sec, &s->clock, sizeof(s->clock),
				 &s->has_clock, "clock");
	case SEC_PV_STATE:
		return get_fixed(r, sec, &s->pv, sizeof(s->pv), &s->has_pv,
				 "PV state");
	case SEC_VCPU_REGS:
	case SEC_VCPU_SREGS:
	case SEC_VCPU_MSRS:
	case SEC_VCPU_XSAVE:
	case SEC_VCPU_EVENTS:
	case SEC_VCPU_CPUID:
	case SEC_VCPU_LAPIC:
		return get_vcpu(r, s, sec);
	case SEC_IOAPIC:
		return get_fixed(r, sec, &s->ioapic, sizeof(s->ioapic),
				 &s->has_ioapic, "I/O APIC");
	case SEC_MACHINE:
		return stream_fail(r, "the machine section must follow the configuration");
	case SEC_DEVICE:
		return get_device(r, s, sec);
	case SEC_MIGRATION:
		return get_migration(r, s, sec);
	case SEC_BOOT:
		return get_boot(r, s, sec);
	case SEC_CONFIG:
		return stream_fail(r, "a second configuration section");
	default:
		if (sec->flags & SECTION_F_OPTIONAL)
			return stream_skip(r, sec->length);
		return stream_fail(r, "section type %u is unknown to this hospes and not optional",
				   sec->type);
	}
}

int snapshot_check(struct stream_reader *r, const struct snapshot *s)
{
	uint8_t want, allowed;
	unsigned int i;

	if (!s->has_clock)
		return stream_fail(r, "no clock section");
	if (!s->has_pv)
		return stream_fail(r, "no PV state section");
	/* Since 1.1 every vCPU's CPUID comes along; APICs with a Linux machine. */
	allowed = VCPU_HAS_ALL | VCPU_HAS_CPUID |
		  (linux_machine(s) ? VCPU_HAS_LAPIC : 0);
	want = allowed & ~(r->minor >= 1 ? 0 : VCPU_HAS_CPUID);
	for (i = 0; i < s->nr_vcpus; i++) {
		if ((s->vcpu_has[i] & want) != want)
			return stream_fail(r, "vCPU %u's state is incomplete", i);
		if (s->vcpu_has[i] & ~allowed)
			return stream_fail(r, "vCPU %u has local APIC state, its machine no APIC",
					   i);
	}
	if (s->boot.present && !linux_machine(s))
		return stream_fail(r, "a boot section for a PV guest, which hospes does not reboot");
	if (s->has_ioapic != linux_machine(s))
		return stream_fail(r, linux_machine(s) ? "no I/O APIC section" :
				   "an I/O APIC section for a machine without one");
	for (i = 0; i < s->nr_devices; i++)
		if (!s->device_seen[i])
			return stream_fail(r, "no state for device '%s'",
					   s->device_names[i]);
	return 0;
}

int snapshot_check_cpu(const struct snapshot *s, char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; i < s->nr_vcpus; i++) {
		struct hospes_cpuid *host;
		int ret;

		if (!s->cpuid[i])
			continue;	/* before 1.1: the host's CPUID, as then */
		host = host_cpuid(i);
		if (!host) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		ret = cpuid_compat_check(s->cpuid[i], host, err, errlen);
		free(host);
		if (ret)
			return -1;
	}
	return 0;
}

/* ---- applying --------------------------------------------------------- */

/*
 * The module filters a table again when it is set: on a host that passed
 * snapshot_check_cpu() nothing should go, but a module of another version
 * might show the guest something else, which the guest would not survive
 * unnoticed. 0 if vCPU id shows exactly want, else -1 printed.
 */
static int cpuid_kept(struct machine *m, unsigned int id,
		      const struct hospes_cpuid *want)
{
	struct hospes_cpuid *got = vcpu_get_cpuid(m->vcpus[id].fd);
	int ret = 0;

	if (!got) {
		fprintf(stderr, "hospes: vCPU %u: HOSPES_GET_CPUID: %s\n", id,
			strerror(errno));
		return -1;
	}
	if (got->nent != want->nent ||
	    memcmp(got->entries, want->entries, want->nent * sizeof(want->entries[0]))) {
		fprintf(stderr, "hospes: vCPU %u: this host's module would not show the guest the CPUID it had\n",
			id);
		ret = -1;
	}
	free(got);
	return ret;
}

static int apply_vcpus(struct machine *m, struct snapshot *s)
{
	const char *what;
	unsigned int i;

	if (vcpus_alloc(m))
		return -1;
	for (i = 0; i < s->nr_vcpus; i++) {
		const struct vcpu_state *v = &s->vcpus[i];

		if (s->cpuid[i] ?
		    vcpu_open_cpuid(m, i, s->cpuid[i], &v->regs, &v->sregs) ||
		    cpuid_kept(m, i, s->cpuid[i]) :
		    vcpu_open(m, i, &v->regs, &v->sregs))
			return -1;
		if (vcpu_set_msrs_xsave(m->vcpus[i].fd, v, &what)) {
			fprintf(stderr, "hospes: vCPU %u: %s: %s\n", i, what,
				strerror(errno));
			return -1;
		}
		if (linux_machine(s) && vcpu_set_lapic(m->vcpus[i].fd, &s->lapic[i])) {
			fprintf(stderr, "hospes: vCPU %u: HOSPES_SET_LAPIC: %s\n", i,
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

int snapshot_apply(struct machine *m, struct snapshot *s)
{
	unsigned int i;

	/* Every vCPU takes the VM's TSC when created: the clock comes first. */
	if (vm_set_clock(&m->vm, &s->clock)) {
		fprintf(stderr, "hospes: HOSPES_SET_CLOCK: %s\n", strerror(errno));
		return -1;
	}
	/* The APICs come with the machine, before any vCPU. */
	if (linux_machine(s)) {
		if (vm_create_irqchip(&m->vm))
			return -1;
		m->irqchip = true;
	}
	if (apply_vcpus(m, s))
		return -1;
	/* Port bindings name vCPUs, which exist now. */
	if (vm_set_pv_state(&m->vm, &s->pv)) {
		fprintf(stderr, "hospes: HOSPES_SET_PV_STATE: %s\n", strerror(errno));
		return -1;
	}
	/* Timers and queued events last: they raise ports of the PV state. */
	for (i = 0; i < s->nr_vcpus; i++)
		if (vcpu_set_events(m->vcpus[i].fd, &s->vcpus[i].events)) {
			fprintf(stderr, "hospes: vCPU %u: HOSPES_SET_VCPU_EVENTS: %s\n",
				i, strerror(errno));
			return -1;
		}
	/* Pins the devices drive, and routes to APICs that exist now. */
	if (linux_machine(s) && vm_set_ioapic(&m->vm, &s->ioapic)) {
		fprintf(stderr, "hospes: HOSPES_SET_IOAPIC: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < s->nr_devices; i++)
		if (device_model_find(s->device_names[i])->restore(m, &s->device_state[i]))
			return -1;
	return 0;
}
