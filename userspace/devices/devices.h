/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The device models a machine can have. Each file in devices/ exports one
 * struct device_model; run.c sets up every model in its table, and each
 * decides from the machine's configuration whether it is wanted.
 *
 * Save, restore and migration (docs/stream-format.md): a device that can
 * be carried
 *  - sets its struct device's save hook (bus.h) when it is created: it
 *    appends the device's whole state to a blob, in a layout of its own
 *    that the stream format document describes. It is called with the
 *    vCPUs paused and the device's lock held, so no thread of the device
 *    changes it, or guest RAM, meanwhile;
 *  - has a model whose restore() creates it from that blob in the
 *    target machine, checking every field as a guest's register write
 *    would be checked (the stream is input), and rejecting trailing or
 *    missing bytes (blob_done());
 *  - is listed in device_models (if run.c sets it up) or
 *    restore_models (if a machine builder such as linux.c attaches it),
 *    so that device_model_find() knows its name.
 * A device without a save hook makes save and migration refuse the VM.
 * Anything the device holds beyond the guest's RAM must be in the blob:
 * requests taken from a ring but not completed, input received but not
 * delivered; where it has resources (a file, a socket) the blob names
 * them and restore() opens them again.
 */
#ifndef HOSPES_DEVICES_H
#define HOSPES_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

struct blob;
struct console;
struct guest_mem;
struct machine;

struct device_model {
	const char *name;
	/*
	 * Create the device if the configuration asks for it and attach it
	 * to the machine (bus ranges, event ports, PV device list, device
	 * list for teardown). 0, or -1 after printing why.
	 */
	int (*setup)(struct machine *m);
	/*
	 * Create the device from what its save() wrote, instead of setup,
	 * in a machine restored from a stream (guest RAM already loaded).
	 * 0, or -1 after printing why.
	 */
	int (*restore)(struct machine *m, struct blob *state);
};

extern const struct device_model serial8250_model;
extern const struct device_model blkring_model;

/* The devices of the PC-like machine (linux.c attaches them). */
extern const struct device_model cmos_rtc_model;
extern const struct device_model acpi_pm_model;
extern const struct device_model pvpanic_model;
extern const struct device_model virtio_blk_model;
extern const struct device_model virtio_console_model;
extern const struct device_model virtio_net_model;
extern const struct device_model i8042_model;

/* Every device model run.c sets up, in setup order. */
extern const struct device_model *const device_models[];
extern const unsigned int nr_device_models;
/* Models that only restore: a machine builder creates them itself. */
extern const struct device_model *const restore_models[];
extern const unsigned int nr_restore_models;
/* The model called name, or NULL. */
const struct device_model *device_model_find(const char *name);

/* ---- 8250/16550A UART ------------------------------------------------ */

#define COM1_PORT		0x3f8
#define COM1_GSI		4	/* ISA IRQ 4, in machines with an I/O APIC */
#define SERIAL8250_NR_REGS	8

extern const struct bus_ops serial8250_ops;
/* A UART whose line is the console; register it with serial8250_ops. */
struct device *serial8250_create(struct console *con);

/* ---- PV block device: a struct hospes_blk_ring served from a file ---- */

#define BLKRING_PAGES		1

/*
 * A ring at ring_gpa (BLKRING_PAGES pages of m's RAM, reserved), served
 * from fd (capacity sectors), notified on and raising port. Initializes the
 * ring header, binds the port and adds the device to m. NULL on ENOMEM.
 */
struct device *blkring_create(struct machine *m, int fd, uint64_t capacity,
			      uint64_t ring_gpa, uint32_t port);
/* Serve every request the guest has posted (what a notification does). */
void blkring_serve(struct device *dev);

struct hospes_blk_request;
/* 0 if req may be served against capacity sectors and mem, else -EINVAL. */
int blkring_check(const struct hospes_blk_request *req, uint64_t capacity,
		  const struct guest_mem *mem);

/* ---- virtio-net on a host tap: `--net tap:IFNAME[,mac=MAC]` ---------- */

#define NET_IFNAME_MAX		15	/* IFNAMSIZ - 1 */
#define NET_MAC_LEN		6

struct net_spec {
	char ifname[NET_IFNAME_MAX + 1];
	uint8_t mac[NET_MAC_LEN];
};

/*
 * A --net value. Without mac=, the MAC is a locally administered one
 * derived from the interface name, the same every run. 0, or -1 with
 * why in err.
 */
int net_spec_parse(const char *spec, struct net_spec *ns, char *err,
		   size_t errlen);
/* What Linux takes as an interface name (dev_valid_name()). */
bool net_ifname_valid(const char *s, size_t len);
/* Six hex pairs split by ':', a unicast address: 0, or -1. */
int mac_parse(const char *s, uint8_t mac[NET_MAC_LEN]);

struct virtio_net_hdr_v1;
/* The tap's TUN_F_* receive offloads for a driver's features. */
unsigned int virtio_net_offloads(uint64_t features);
/* May the driver send a frame with this header, given its features? */
bool virtio_net_tx_header_ok(const struct virtio_net_hdr_v1 *h,
			     uint64_t features);
/* Make the tap's header of a frame fit the driver; false: drop the frame. */
bool virtio_net_rx_header_fix(struct virtio_net_hdr_v1 *h, uint64_t features);

#endif /* HOSPES_DEVICES_H */
