/* tools/keylog/keylog_charon.c — charon's debug log: not read yet. */
#include "tools/keylog/keylog_internal.h"

bool
kl_charon_detect(const uint8_t *p, size_t n)
{
	(void)p;
	(void)n;
	return false;
}

int
kl_charon_start(struct kl_ctx *c)
{
	return kl_error(c, "charon logs are not read yet");
}

int
kl_charon_line(struct kl_ctx *c, const uint8_t *p, size_t n)
{
	(void)p;
	(void)n;
	return kl_error(c, "charon logs are not read yet");
}

int
kl_charon_finish(struct kl_ctx *c, bool ok)
{
	(void)c;
	return ok ? 0 : -1;
}
