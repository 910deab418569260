/* esp/test_hooks.c — esp_internal.h, for known-answer and limit tests. */
#include "esp/esp_internal.h"

#include <string.h>

#include "esp/sa.h"

int
esp_sa_test_fix_iv(struct esp_sa *sa, const uint8_t *iv, size_t len)
{
	if (len != 0 && len != sa->aead->iv_len)
		return -1;
	if (len)
		memcpy(sa->test_iv, iv, len);
	sa->test_iv_len = (uint8_t)len;
	return 0;
}

void
esp_sa_test_set_seq(struct esp_sa *sa, uint64_t next)
{
	sa->seq = next;
}

void
esp_sa_test_set_replay_top(struct esp_sa *sa, uint64_t top)
{
	sa->replay.top = top;
}
