/*
 * tests/fuzz/fuzz_pcap.c — libFuzzer harness over `uipsec pcap`'s input
 * path: the bytes are a capture file, read by libpcap (pcap or pcapng,
 * any link type it names) frame by frame into the packet view
 * (tools/uipsec/pcap.h), which classifies, decodes IKE and decrypts ESP
 * with one IKE SA's and one ESP SA's keys (the seeds of corpus_pcap/ are
 * made with them by make_corpus_pcap.py, so ICVs verify and the inner
 * paths run). A truncated or corrupt file must end in a clean error.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tools/uipsec/pcap.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_SPI_I	0x0123456789abcdefULL
#define FUZZ_SPI_R	0xfedcba9876543210ULL
#define FUZZ_ESP_SPI	0xc0ffee01u

static struct keylog_ike ike;
static struct keylog_esp esp;
static struct keylog kl = { .n_ike = 1, .n_esp = 1, .ike = &ike,
    .esp = &esp };

/* AES-GCM-16 with 256-bit keys for both: key byte i is i (ESP), 0x10 + i
 * (SK_ei) and 0x80 + i (SK_er), as make_corpus_pcap.py has them. */
static void
keys_init(void)
{
	ike.spi_i = FUZZ_SPI_I;
	ike.spi_r = FUZZ_SPI_R;
	ike.encr = 20;
	ike.encr_bits = 256;
	ike.encr_len = 36;
	esp.spi = FUZZ_ESP_SPI;
	esp.encr = 20;
	esp.encr_bits = 256;
	esp.encr_len = 36;
	for (int i = 0; i < 36; i++) {
		esp.encr_key[i] = (uint8_t)i;
		ike.sk_ei[i] = (uint8_t)(0x10 + i);
		ike.sk_er[i] = (uint8_t)(0x80 + i);
	}
}

static volatile uint8_t sink;

static void
inner(void *arg, const struct timeval *ts, const uint8_t *p, size_t len)
{
	(void)arg;
	(void)ts;
	for (size_t i = 0; i < len; i++)	/* touch every byte (ASan) */
		sink ^= p[i];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *frame;
	struct pcap_view *v;
	FILE *in, *out;
	pcap_t *p;

	if (ike.spi_i == 0)
		keys_init();
	if (size == 0 || (in = fmemopen((void *)data, size, "rb")) == NULL)
		return 0;
	if ((p = pcap_fopen_offline(in, err)) == NULL) {
		fclose(in);
		return 0;
	}
	out = fopen("/dev/null", "w");
	v = pcap_view_new(&kl, out, 0);
	pcap_view_on_inner(v, inner, NULL);
	while (v != NULL && pcap_next_ex(p, &h, &frame) == 1)
		pcap_view_frame(v, pcap_datalink(p), &h->ts, frame, h->caplen,
		    h->len);
	if (v != NULL)
		pcap_view_summary(v, out);
	pcap_view_free(v);
	pcap_close(p);
	if (out != NULL)
		fclose(out);
	return 0;
}
