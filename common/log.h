/*
 * common/log.h — one-line logs: what happened, to which peer or SA, and why.
 * Logs go to stderr (the daemon runs under a supervisor that keeps them).
 */
#ifndef UIPSEC_COMMON_LOG_H
#define UIPSEC_COMMON_LOG_H

#include <stdint.h>

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void	log_set_level(enum log_level level);
enum log_level log_get_level(void);
void	log_msg(enum log_level level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Data-plane errors are counted per packet but logged at most once per
 * interval per call site: keep a `struct log_ratelimit` next to the site. */
struct log_ratelimit {
	uint64_t	last_ns;
	uint64_t	suppressed;
};
void	log_ratelimited(struct log_ratelimit *rl, enum log_level level,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
