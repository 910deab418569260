/* tests/unit/keylog_find_stub.c — keylog_find_ike/esp for test_pcap until
 * tools/keylog's library lands (its documented behaviour: by SPIs; ESP
 * preferring matching addresses). */
#include <string.h>

#include "tools/keylog/keylog.h"

const struct keylog_ike *
keylog_find_ike(const struct keylog *kl, uint64_t spi_i, uint64_t spi_r)
{
	for (size_t i = 0; i < kl->n_ike; i++)
		if (kl->ike[i].spi_i == spi_i && kl->ike[i].spi_r == spi_r)
			return &kl->ike[i];
	return NULL;
}

const struct keylog_esp *
keylog_find_esp(const struct keylog *kl, uint32_t spi, int family,
    const uint8_t *src, const uint8_t *dst)
{
	(void)family;
	(void)src;
	(void)dst;
	for (size_t i = 0; i < kl->n_esp; i++)
		if (kl->esp[i].spi == spi)
			return &kl->esp[i];
	return NULL;
}
