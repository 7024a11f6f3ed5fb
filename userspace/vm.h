/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMM's only door to /dev/hospes: every ioctl() the VMM makes goes
 * through functions declared here.
 */
#ifndef HOSPES_VM_H
#define HOSPES_VM_H

/*
 * Open /dev/hospes and check that it speaks the API this VMM was built
 * for. Returns the fd, or -1 after printing why (not loaded, no access,
 * wrong version).
 */
int hospes_open(void);

/* The module's API version, or -1 with errno set. */
int hospes_api_version(int dev_fd);

#endif /* HOSPES_VM_H */
