/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host tap devices (Documentation/networking/tuntap.rst): the other end of
 * a guest's network card. Frames pass with a virtio_net_hdr in front of
 * each, so that checksum and segmentation offloads cross unchanged.
 */
#ifndef HOSPES_TAP_H
#define HOSPES_TAP_H

#include <stddef.h>

/*
 * Attach to the tap ifname, creating it if there is none (a tap made so
 * is gone when the descriptor closes), as IFF_TAP | IFF_NO_PI |
 * IFF_VNET_HDR with a header of vnet_hdr_len bytes, non-blocking. The fd,
 * or -1 with why in err.
 */
int tap_open(const char *ifname, int vnet_hdr_len, char *err, size_t errlen);

/* Let the tap hand over packets that need the TUN_F_* offloads: 0 or -errno. */
int tap_set_offloads(int fd, unsigned int offloads);

#endif /* HOSPES_TAP_H */
