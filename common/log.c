/* common/log.c — see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define LOG_RATELIMIT_NS	(5ULL * 1000000000ULL)

static enum log_level log_level = LOG_INFO;
static const char *const log_level_names[] = {
	[LOG_ERR] = "error", [LOG_WARN] = "warning",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

static void log_vmsg(enum log_level level, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

static void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "%s: %s\n", log_level_names[level], line);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void
log_ratelimited(struct log_ratelimit *rl, enum log_level level,
    const char *fmt, ...)
{
	struct timespec ts;
	uint64_t now;
	va_list ap;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	if (rl->last_ns != 0 && now - rl->last_ns < LOG_RATELIMIT_NS) {
		rl->suppressed++;
		return;
	}
	if (rl->suppressed)
		log_msg(level, "(%llu similar messages suppressed)",
		    (unsigned long long)rl->suppressed);
	rl->last_ns = now;
	rl->suppressed = 0;
	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
