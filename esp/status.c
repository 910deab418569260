/* esp/status.c — names of the data-plane results, for logs. */
#include "esp/esp.h"

static const char *const status_names[] = {
	[ESP_OK] = "ok",
	[ESP_DROP_MALFORMED] = "malformed",
	[ESP_DROP_REPLAY] = "replayed or outside the window",
	[ESP_DROP_AUTH] = "ICV mismatch",
	[ESP_DROP_PADDING] = "bad padding",
	[ESP_DROP_DUMMY] = "dummy packet",
	[ESP_ERR_SEQ_EXHAUSTED] = "sequence numbers exhausted",
	[ESP_ERR_NOSPACE] = "no headroom or tailroom",
	[ESP_ERR_CRYPTO] = "crypto library failure",
	[ESP_ERR_CONFIG] = "bad SA configuration",
	[ESP_ERR_NOMEM] = "out of memory",
};

const char *
esp_status_str(enum esp_status st)
{
	if ((unsigned)st >= sizeof(status_names) / sizeof(status_names[0]) ||
	    status_names[st] == NULL)
		return "unknown";
	return status_names[st];
}
