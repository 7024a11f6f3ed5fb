/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvguest: time and the one-shot timer.
 *
 * time_ns() is the guest clock, nanoseconds since the VM started: from
 * the shared-info time fields and the TSC without an exit once
 * events_init() ran, from GET_TIME before.
 *
 * The timer: one per vCPU in the hypervisor, on timer_port here.
 * timer_arm(deadline) (re)arms it and clears timer_fired; the handler sets
 * timer_fired and records when it ran in timer_fired_ns.
 */
#ifndef PVGUEST_TIME_H
#define PVGUEST_TIME_H

#include <stdbool.h>
#include <stdint.h>

#define NSEC_PER_USEC	1000ull
#define NSEC_PER_MSEC	1000000ull
#define NSEC_PER_SEC	1000000000ull

uint64_t time_ns(void);
void time_wall(uint64_t *sec, uint32_t *nsec);

void timer_init(void);
void timer_arm(uint64_t deadline_ns);
void timer_cancel(void);
extern unsigned int timer_port;
extern volatile bool timer_fired;
extern volatile uint64_t timer_fired_ns;
extern volatile uint64_t timer_fire_count;

void sleep_until(uint64_t deadline_ns);
void msleep(uint64_t ms);

#endif /* PVGUEST_TIME_H */
