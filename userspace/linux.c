// SPDX-License-Identifier: GPL-2.0-only
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "devices/devices.h"
#include "devices/pc.h"
#include "host_cpuid.h"
#include "linux.h"
#include "loaders/bzimage.h"
#include "loaders/x86.h"
#include "machine.h"
#include "util.h"
#include "vcpu.h"

#define STACK_TOP		0x1000ull
#define GDT_GPA			0x1000ull
#define TSS_GPA			(GDT_GPA + 0x100)
#define PAGE_TABLES_GPA		0x2000ull
#define PARAMS_GPA		0x8000ull
#define CMDLINE_GPA		0x9000ull
#define CMDLINE_ROOM		0x1000ull
#define LOW_RAM_END		0x9fc00ull
#define IDENTITY_END		(4ull << 30)

/* The boot protocol's selectors; the TSS only satisfies VM entry. */
#define SEL_BOOT_CS		0x10
#define SEL_BOOT_DS		0x18
#define SEL_TSS			0x20
#define GDT_LIMIT		(SEL_TSS + 16 - 1)

#define IOAPIC_GPA		0xfec00000ull
#define LAPIC_GPA		0xfee00000ull

#define CPUID_TSC_DEADLINE	(1u << 24)	/* leaf 1 ECX */

/* The GDT and TSS at GDT_GPA, matching vcpu_state(). */
static void write_gdt(struct guest_mem *mem)
{
	uint64_t *gdt = gpa_to_host(mem, GDT_GPA, GUEST_PAGE_SIZE);
	struct hospes_segment seg;

	memset(gdt, 0, GUEST_PAGE_SIZE);
	x86_flat_segment(&seg, SEL_BOOT_CS, X86_SEG_TYPE_CODE, true);
	gdt[SEL_BOOT_CS / 8] = x86_descriptor(&seg);
	x86_flat_segment(&seg, SEL_BOOT_DS, X86_SEG_TYPE_DATA, false);
	gdt[SEL_BOOT_DS / 8] = x86_descriptor(&seg);
	x86_tss_segment(&seg, SEL_TSS, TSS_GPA);
	seg.type = X86_SEG_TYPE_TSS;
	gdt[SEL_TSS / 8] = x86_descriptor(&seg);
	gdt[SEL_TSS / 8 + 1] = TSS_GPA >> 32;
}

static void vcpu_state(uint64_t entry, struct hospes_regs *regs,
		       struct hospes_sregs *sregs)
{
	memset(sregs, 0, sizeof(*sregs));
	x86_flat_segment(&sregs->cs, SEL_BOOT_CS, X86_SEG_TYPE_CODE, true);
	x86_flat_segment(&sregs->ds, SEL_BOOT_DS, X86_SEG_TYPE_DATA, false);
	sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
	x86_tss_segment(&sregs->tr, SEL_TSS, TSS_GPA);
	sregs->ldt = (struct hospes_segment){ .type = X86_SEG_TYPE_LDT, .unusable = 1 };
	sregs->gdt.base = GDT_GPA;
	sregs->gdt.limit = GDT_LIMIT;
	x86_long_mode(sregs, PAGE_TABLES_GPA);

	memset(regs, 0, sizeof(*regs));
	regs->rip = entry;
	regs->rsi = PARAMS_GPA;
	regs->rsp = STACK_TOP;
	regs->rflags = X86_RFLAGS_FIXED;	/* interrupts off */
}

/*
 * The host's CPUID with what this machine adds: the TSC-deadline timer of
 * the in-kernel APIC (Linux then needs no timer calibration), and the
 * vCPUs as cores of one package.
 */
static struct hospes_cpuid *linux_cpuid(unsigned int id, unsigned int nr_cpus)
{
	struct hospes_cpuid *t = host_cpuid(id);
	unsigned int i;

	for (i = 0; t && i < t->nent; i++) {
		struct hospes_cpuid_entry *e = &t->entries[i];

		if (e->function == 1)
			e->ecx |= CPUID_TSC_DEADLINE;
		else if (e->function == 0x80000008)
			/* NC: cores - 1; APIC id bits derived from it. */
			e->ecx = nr_cpus - 1;
	}
	return t;
}

static int create_vcpus(struct machine *m, uint64_t entry)
{
	unsigned int i, n = m->cfg->nr_vcpus;
	struct hospes_sregs sregs;
	struct hospes_regs regs;

	if (vcpus_alloc(m))
		return -1;
	/* The others wait for INIT and SIPI, which reset this state anyway. */
	vcpu_state(entry, &regs, &sregs);
	for (i = 0; i < n; i++) {
		struct hospes_cpuid *cpuid = linux_cpuid(i, n);
		int ret;

		if (!cpuid) {
			fprintf(stderr, "hospes: out of memory\n");
			return -1;
		}
		ret = vcpu_open_cpuid(m, i, cpuid, &regs, &sregs);
		free(cpuid);
		if (ret)
			return -1;
	}
	return 0;
}

/*
 * Before the user's words: "tsc_early_khz=N", since an AMD guest cannot
 * measure its TSC (no PIT, no frequency in CPUID), and "tsc=reliable":
 * the TSC is invariant and one for all vCPUs, and the only other clock a
 * watchdog could check it against is jiffies, whose ticks an overloaded
 * host delays.
 */
static int write_cmdline(struct machine *m, const struct bzimage *img,
			 unsigned int tsc_khz)
{
	char *s = gpa_to_host(&m->mem, CMDLINE_GPA, CMDLINE_ROOM);
	uint64_t max = img->cmdline_max < CMDLINE_ROOM - 1 ? img->cmdline_max :
		       CMDLINE_ROOM - 1;
	int len;

	len = snprintf(s, CMDLINE_ROOM, "tsc_early_khz=%u tsc=reliable %s",
		       tsc_khz, m->cfg->cmdline);
	if (len < 0 || (uint64_t)len > max) {
		fprintf(stderr, "hospes: the command line is too long: the kernel takes %llu bytes, with tsc_early_khz=%u tsc=reliable\n",
			(unsigned long long)max, tsc_khz);
		return -1;
	}
	return 0;
}

/*
 * The e820 map of mem: RAM below the EBDA, the EBDA and the ACPI area
 * reserved, RAM from 1 MiB, and the RAM above the hole if there is some.
 * The number of entries (at most LINUX_E820_MAX).
 */
unsigned int linux_e820(const struct guest_mem *mem,
			struct e820_entry e820[LINUX_E820_MAX])
{
	unsigned int i, n = 0;

	e820[n++] = (struct e820_entry){ 0, LOW_RAM_END, E820_RAM };
	e820[n++] = (struct e820_entry){ LOW_RAM_END, 0xa0000 - LOW_RAM_END,
					 E820_RESERVED };
	e820[n++] = (struct e820_entry){ ACPI_TABLES_GPA, ACPI_TABLES_SIZE,
					 E820_RESERVED };
	for (i = 0; i < guest_mem_nr_ranges(mem); i++) {
		struct guest_mem_range r;

		guest_mem_range(mem, i, &r);
		/* The first range's first MiB is described above. */
		if (!i) {
			r.size -= BZIMAGE_LOAD_GPA;
			r.gpa = BZIMAGE_LOAD_GPA;
		}
		e820[n++] = (struct e820_entry){ r.gpa, r.size, E820_RAM };
	}
	return n;
}

/*
 * RAM must end where the guest can address it: its MAXPHYADDR is the
 * host's (CPUID 0x80000008 EAX[7:0]; the nested page tables reach at least
 * as far, and HOSPES_SET_MEMORY_REGION refuses what they cannot).
 */
static int check_ram_end(const struct guest_mem *mem)
{
	unsigned int eax, ebx, ecx, edx, bits = 36;	/* without the leaf */
	uint64_t end = guest_mem_end(mem);

	if (__get_cpuid(0x80000008, &eax, &ebx, &ecx, &edx))
		bits = eax & 0xff;
	if (bits >= 64 || end <= 1ull << bits)
		return 0;
	fprintf(stderr, "hospes: --memory: %llu MiB of RAM would end at %#llx, beyond the %u physical address bits of the CPU\n",
		(unsigned long long)(mem->size >> 20), (unsigned long long)end,
		bits);
	return -1;
}

/* The next virtio-mmio window and pin, listed for the DSDT. */
static struct acpi_mmio_device *virtio_slot(struct acpi_config *acpi,
					    struct acpi_mmio_device *mmio)
{
	unsigned int i = acpi->nr_mmio++;

	mmio[i] = (struct acpi_mmio_device){
		.hid = "LNRO0005",
		.base = VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SIZE,
		.size = VIRTIO_MMIO_SIZE,
		.gsi = VIRTIO_MMIO_FIRST_GSI + i,
	};
	return &mmio[i];
}

/* The devices and their ACPI description. */
static int add_devices(struct machine *m, struct acpi_config *acpi,
		       struct acpi_mmio_device *mmio)
{
	const struct vm_config *cfg = m->cfg;
	unsigned int i;

	if (serial8250_model.setup(m) || cmos_rtc_attach(m) ||
	    acpi_pm_attach(m) || i8042_attach(m) || pvpanic_attach(m))
		return -1;
	if (cfg->disk) {
		struct acpi_mmio_device *d = virtio_slot(acpi, mmio);

		if (virtio_blk_attach(m, cfg->disk, d->base, d->gsi))
			return -1;
	}
	if (cfg->virtio_console) {
		struct acpi_mmio_device *d = virtio_slot(acpi, mmio);

		if (virtio_console_attach(m, d->base, d->gsi))
			return -1;
	}
	for (i = 0; i < cfg->nr_nets; i++) {
		struct acpi_mmio_device *d = virtio_slot(acpi, mmio);

		if (virtio_net_attach(m, cfg->net[i], d->base, d->gsi))
			return -1;
	}
	return 0;
}

int linux_build(struct machine *m)
{
	const struct vm_config *cfg = m->cfg;
	struct acpi_mmio_device mmio[VIRTIO_MMIO_MAX];
	struct acpi_config acpi = {
		.nr_cpus = cfg->nr_vcpus,
		.ioapic_addr = IOAPIC_GPA,
		.lapic_addr = LAPIC_GPA,
		.sci_gsi = ACPI_SCI_GSI,
		.pm1a_evt_port = ACPI_PM1A_EVT_PORT,
		.pm1a_cnt_port = ACPI_PM1A_CNT_PORT,
		.reset_port = ACPI_RESET_PORT,
		.reset_value = ACPI_RESET_VALUE,
		.s5_sleep_type = ACPI_S5_SLEEP_TYPE,
		.pvpanic_port = PVPANIC_PORT,
		.mmio = mmio,
	};
	struct bzimage_params params = { .cmdline_gpa = CMDLINE_GPA };
	struct e820_entry e820[LINUX_E820_MAX];
	struct guest_mem_range low;
	struct bzimage img;
	unsigned int tsc_khz;
	char err[256];

	if (machine_alloc_ram(m) || check_ram_end(&m->mem))
		return -1;
	if (bzimage_load_file(cfg->kernel, &m->mem, &img, err, sizeof(err))) {
		fprintf(stderr, "hospes: %s: %s\n", cfg->kernel, err);
		return -1;
	}
	/*
	 * Below the hole: the kernel could take it higher (its xloadflags
	 * say so), but one range must hold it, and the low one always does.
	 */
	guest_mem_range(&m->mem, 0, &low);
	if (cfg->initrd &&
	    bzimage_load_initrd(&img, &m->mem, low.size, cfg->initrd,
				&params.initrd_gpa, &params.initrd_size, err,
				sizeof(err))) {
		fprintf(stderr, "hospes: --initrd %s: %s\n", cfg->initrd, err);
		return -1;
	}
	/* The interrupt controllers must exist before any vCPU. */
	if (machine_create_vm(m) || vm_create_irqchip(&m->vm))
		return -1;
	m->irqchip = true;
	tsc_khz = vm_tsc_khz(&m->vm);
	if (!tsc_khz)
		return -1;
	if (write_cmdline(m, &img, tsc_khz))
		return -1;
	write_gdt(&m->mem);
	x86_identity_map(&m->mem, PAGE_TABLES_GPA, IDENTITY_END);
	if (machine_open_console(m))
		return -1;
	if (add_devices(m, &acpi, mmio))
		return -1;
	params.rsdp_gpa = acpi_build(&m->mem, &acpi);
	if (!params.rsdp_gpa)
		return -1;
	params.e820 = e820;
	params.nr_e820 = linux_e820(&m->mem, e820);
	bzimage_write_params(&img, &m->mem, PARAMS_GPA, &params);
	return create_vcpus(m, img.entry);
}
