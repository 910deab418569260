/* tools/uipsec/status.c — `uipsec status [--json] [-s SOCKET]`: the running
 * uipsecd's IKE and CHILD SAs, manual SAs and data plane counters, as text
 * laid out like `swanctl --list-sas`, or JSON (doc/control.md). */
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "ctl.h"

int
cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = CTL_SOCKET_DEFAULT;
	char msg[600];
	struct ctl *c;
	int o, json = 0, code;

	while ((o = getopt_long(argc, argv, "js:h", opts, NULL)) != -1) {
		switch (o) {
		case 'j': json = 1; break;
		case 's': sock = optarg; break;
		default:
			fprintf(o == 'h' ? stdout : stderr, "usage: uipsec "
			    "status [--json] [-s SOCKET]\n");
			return o == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: uipsec status [--json] [-s SOCKET]\n");
		return 2;
	}
	if (!(c = ctl_open(sock)))
		return 1;
	code = ctl_command(c, json ? "status --json" : "status", stdout, msg,
	    sizeof(msg));
	ctl_close(c);
	if (code != 200) {
		fprintf(stderr, "uipsec status: %s\n", msg);
		return 1;
	}
	return 0;
}
