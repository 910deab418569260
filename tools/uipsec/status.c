/* tools/uipsec/status.c — `uipsec status [--json] [--count] [--peer ADDR]
 * [--id PATTERN] [--state STATE] [-s SOCKET]`: the running uipsecd's IKE
 * and CHILD SAs, manual SAs and data plane counters, as text laid out like
 * `swanctl --list-sas`, or JSON (doc/control.md). The filters are applied
 * by the daemon, which streams the reply: printed as it arrives. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ctl.h"

#define USAGE	"usage: uipsec status [--json] [--count] [--peer ADDR] " \
		"[--id PATTERN] [--state STATE] [-s SOCKET]\n"

/* Appends " --opt" or " --opt value" to cmd, the value in double quotes
 * if it holds blanks (doc/control.md); false if it cannot be sent. */
static bool
add_opt(char *cmd, size_t cap, const char *opt, const char *value)
{
	size_t len = strlen(cmd);
	int n;

	if (value && (!value[0] || strpbrk(value, "\"\n\r")))
		return false;
	n = snprintf(cmd + len, cap - len, !value ? " %s" :
	    strpbrk(value, " \t") ? " %s \"%s\"" : " %s %s", opt,
	    value ? value : "");
	return n > 0 && (size_t)n < cap - len;
}

int
cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "count", no_argument, NULL, 'c' },
		{ "peer", required_argument, NULL, 'p' },
		{ "id", required_argument, NULL, 'i' },
		{ "state", required_argument, NULL, 't' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = CTL_SOCKET_DEFAULT;
	char msg[600], cmd[480] = "status";
	struct ctl *c;
	int o, code;
	bool ok = true;

	while ((o = getopt_long(argc, argv, "jcp:i:t:s:h", opts, NULL)) != -1) {
		switch (o) {
		case 'j': ok &= add_opt(cmd, sizeof(cmd), "--json", NULL); break;
		case 'c': ok &= add_opt(cmd, sizeof(cmd), "--count", NULL); break;
		case 'p': ok &= add_opt(cmd, sizeof(cmd), "--peer", optarg); break;
		case 'i': ok &= add_opt(cmd, sizeof(cmd), "--id", optarg); break;
		case 't': ok &= add_opt(cmd, sizeof(cmd), "--state", optarg);
			break;
		case 's': sock = optarg; break;
		default:
			fputs(USAGE, o == 'h' ? stdout : stderr);
			return o == 'h' ? 0 : 2;
		}
	}
	if (optind != argc || !ok) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (!(c = ctl_open(sock)))
		return 1;
	code = ctl_command(c, cmd, stdout, msg, sizeof(msg));
	ctl_close(c);
	if (code != 200) {
		fprintf(stderr, "uipsec status: %s\n", msg);
		return 1;
	}
	return 0;
}
