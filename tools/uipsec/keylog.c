/*
 * tools/uipsec/keylog.c — `uipsec keylog [-w DIR] FILE...`: reads key logs
 * in any format keylog.h knows (uipsec's, Wireshark's ikev2_decryption_table
 * and esp_sa, charon's debug log) and prints their records as uipsec's key
 * log, or with -w writes DIR/ikev2_decryption_table and DIR/esp_sa for
 * Wireshark (a profile directory, or tshark -o uat:...). doc/keylog.md.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "tools/keylog/keylog.h"

static int
keylog_write_file(const char *dir, const char *name,
    const struct keylog *kl, bool ike)
{
	char path[4096];
	size_t i;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		return -1;
	}
	/* keys: readable by the owner only */
	fchmod(fileno(f), 0600);
	for (i = 0; ike && i < kl->n_ike && ret == 0; i++)
		ret = keylog_write_wireshark_ike(f, &kl->ike[i]);
	for (i = 0; !ike && i < kl->n_esp && ret == 0; i++)
		ret = keylog_write_wireshark_esp(f, &kl->esp[i]);
	if (fclose(f) != 0 || ret != 0) {
		fprintf(stderr, "uipsec keylog: cannot write %s\n", path);
		return -1;
	}
	return 0;
}

int
cmd_keylog(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "wireshark", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct keylog kl = { 0 };
	const char *dir = NULL;
	char err[512];
	size_t i;
	int o, ret = 1;

	while ((o = getopt_long(argc, argv, "w:h", opts, NULL)) != -1) {
		if (o == 'w') {
			dir = optarg;
			continue;
		}
		fprintf(o == 'h' ? stdout : stderr, "usage: uipsec keylog "
		    "[-w|--wireshark DIR] FILE...\n  FILE: uipsec key log, "
		    "Wireshark ikev2_decryption_table or esp_sa, or charon "
		    "log (ike=4 chd=4 mgr=2 cfg=1)\n  prints uipsec's key "
		    "log; -w writes DIR/ikev2_decryption_table and "
		    "DIR/esp_sa\n");
		return o == 'h' ? 0 : 2;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: uipsec keylog [-w DIR] FILE...\n");
		return 2;
	}
	for (; optind < argc; optind++)
		if (keylog_read(&kl, argv[optind], err, sizeof(err)) < 0) {
			fprintf(stderr, "uipsec keylog: %s\n", err);
			goto out;
		}
	if (dir != NULL) {
		if (keylog_write_file(dir, "ikev2_decryption_table", &kl,
		    true) < 0 || keylog_write_file(dir, "esp_sa", &kl,
		    false) < 0)
			goto out;
	} else {
		for (i = 0; i < kl.n_ike; i++)
			keylog_write_ike(stdout, &kl.ike[i]);
		for (i = 0; i < kl.n_esp; i++)
			keylog_write_esp(stdout, &kl.esp[i]);
	}
	fprintf(stderr, "uipsec keylog: %zu IKE SAs, %zu ESP SAs\n", kl.n_ike,
	    kl.n_esp);
	ret = 0;
out:
	keylog_free(&kl);
	return ret;
}
