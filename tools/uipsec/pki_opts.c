/*
 * tools/uipsec/pki_opts.c — option values of `uipsec pki`: durations,
 * dates, subjectAltNames and file name stems.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pki.h"

long
pki_parse_duration(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10), unit;

	if (end == s || n < 0)
		return -1;
	switch (*end) {
	case '\0':
	case 'd':
		unit = 86400;
		break;
	case 'y':
		unit = 365 * 86400L;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'm':
		unit = 60;
		break;
	case 's':
		unit = 1;
		break;
	default:
		return -1;
	}
	if ((end[0] != '\0' && end[1] != '\0') ||
	    n > 100 * 366 * 86400L / unit)
		return -1;
	return n * unit;
}

time_t
pki_parse_date(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) == NULL ||
	    *end != '\0') {
		memset(&tm, 0, sizeof(tm));
		if ((end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
			return -1;
	}
	return timegm(&tm);
}

int
pki_add_san(char *buf, size_t cap, const char *san)
{
	const char *kind, *v = san;
	uint8_t addr[16];
	size_t used = strlen(buf);
	int n;

	if (!strncasecmp(san, "dns:", 4) || !strncasecmp(san, "fqdn:", 5)) {
		kind = "DNS";
		v = strchr(san, ':') + 1;
	} else if (!strncasecmp(san, "email:", 6)) {
		kind = "email";
		v = san + 6;
	} else if (!strncasecmp(san, "ip:", 3)) {
		kind = "IP";
		v = san + 3;
	} else if (strchr(san, '@') != NULL) {
		kind = "email";
	} else if (inet_pton(AF_INET, san, addr) == 1 ||
	    inet_pton(AF_INET6, san, addr) == 1) {
		kind = "IP";
	} else {
		kind = "DNS";
	}
	if (*v == '\0' || strpbrk(v, ", \t") != NULL ||
	    (!strcmp(kind, "IP") && inet_pton(AF_INET, v, addr) != 1 &&
	    inet_pton(AF_INET6, v, addr) != 1)) {
		fprintf(stderr, "uipsec pki: bad subjectAltName '%s'\n", san);
		return -1;
	}
	n = snprintf(buf + used, cap - used, "%s%s:%s", used ? "," : "", kind,
	    v);
	if (n < 0 || (size_t)n >= cap - used) {
		fprintf(stderr, "uipsec pki: too many subjectAltNames\n");
		return -1;
	}
	return 0;
}

void
pki_slug(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	for (; *in && n + 1 < cap; in++) {
		unsigned char c = (unsigned char)tolower((unsigned char)*in);

		out[n++] = isalnum(c) || c == '.' || c == '_' || c == '-' ?
		    (char)c : '-';
	}
	out[n] = '\0';
	if (n == 0 || out[0] == '.')
		snprintf(out, cap, "ca");
}
