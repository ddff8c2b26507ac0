/* SPDX-License-Identifier: EUPL-1.2 */
/* clock: the monotonic clock, for durations and expiry (never for dates shown to people). */
#ifndef RATHAUS_CLOCK_H
#define RATHAUS_CLOCK_H

#include <stdint.h>

int64_t clock_mono_us(void);
int64_t clock_mono_s(void);

#endif
