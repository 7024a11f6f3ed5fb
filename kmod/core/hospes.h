/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarations shared by the backend-neutral core of hospes.
 */
#ifndef HOSPES_CORE_H
#define HOSPES_CORE_H

int hospes_dev_register(void);
void hospes_dev_unregister(void);

#endif /* HOSPES_CORE_H */
