/* tools/uipsec/rekey.c — `uipsec rekey [--ike | --child CHILD] NAME[/CHILD]
 * [-s SOCKET]`: rekey now, as `swanctl --rekey` does, the CHILD_SAs of a
 * connection of the running uipsecd (all of them, or those of one child
 * config: NAME/CHILD or --child CHILD), or its IKE SA (doc/control.md). */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"

#define REKEY_USAGE	"usage: uipsec rekey [--ike | --child CHILD] " \
			"NAME[/CHILD] [-s SOCKET]\n"

int
cmd_rekey(int argc, char **argv)
{
	const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "ike", no_argument, NULL, 'i' },
		{ "child", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = CTL_SOCKET_DEFAULT, *child = NULL, *name, *slash;
	char cmd[600];
	bool ike = false;
	int o;

	while ((o = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		if (o == 's')
			sock = optarg;
		else if (o == 'i')
			ike = true;
		else if (o == 'c')
			child = optarg;
		else {
			fputs(REKEY_USAGE, o == 'h' ? stdout : stderr);
			return o == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - 1) {
		fputs(REKEY_USAGE, stderr);
		return 2;
	}
	name = argv[optind];
	slash = strchr(name, '/');
	/* One way to name the child; the IKE SA has no child. */
	if ((slash && child) || (ike && (slash || child)) ||
	    !ctl_name_ok(name) || (child && (!ctl_name_ok(child) ||
	    strchr(child, '/')))) {
		fputs(REKEY_USAGE, stderr);
		return 2;
	}
	snprintf(cmd, sizeof(cmd), "rekey %s%s%s%s", name, child ? "/" : "",
	    child ? child : "", ike ? " ike" : "");
	return ctl_say(sock, "rekey", cmd);
}
