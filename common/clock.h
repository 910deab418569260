/* common/clock.h — milliseconds on CLOCK_MONOTONIC, the daemon's clock
 * (IKE timers, the data plane's ICMP rate limit). */
#ifndef UIPSEC_COMMON_CLOCK_H
#define UIPSEC_COMMON_CLOCK_H

#include <stdint.h>

uint64_t clock_monotonic_ms(void);

#endif
