/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * hospes: the ioctl ABI of /dev/hospes.
 *
 * Conventions, for anyone writing a VMM against this header:
 *  - Every structure has explicit sizes and explicit padding; padding and
 *    reserved fields must be zero on input and are zero on output, so they
 *    can be given a meaning later without a new ioctl number.
 *  - Errors are returned the usual way: -1 and errno.
 *  - HOSPES_GET_API_VERSION must answer HOSPES_API_VERSION before any other
 *    call is relied on.
 */
#ifndef _UAPI_LINUX_HOSPES_H
#define _UAPI_LINUX_HOSPES_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define HOSPES_API_VERSION	1

/* ioctl type byte, registered free in Documentation/userspace-api/ioctl. */
#define HOSPESIO		0xB8

/*
 * /dev/hospes ioctls.
 *
 * HOSPES_GET_API_VERSION: no argument (must be 0); returns HOSPES_API_VERSION.
 */
#define HOSPES_GET_API_VERSION	_IO(HOSPESIO, 0x00)

#endif /* _UAPI_LINUX_HOSPES_H */
