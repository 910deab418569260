/*
 * Unit tests for what uipsecd's control socket reports (control_status.h,
 * control_daemon.c) and for the SA database's run-time entries (sad_add,
 * sad_remove) that IKE CHILD_SAs become: a daemon built from a manual
 * config, without TUN or sockets, answers `status` (text and JSON) over a
 * real control socket, and up/down of a manual connection.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tools/uipsecd/control.h"
#include "tools/uipsecd/control_status.h"
#include "tools/uipsecd/daemon.h"

#define K32	"0x000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"
#define K20	"0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3"

static const char conf[] =
    "tun {\n"
    "  name = uipsec7\n"
    "}\n"
    "manual {\n"
    "  ccu\\1 {\n"
    "    local_addrs = 192.0.2.1\n"
    "    remote_addrs = 192.0.2.2\n"
    "    local_ts = 10.10.1.0/24\n"
    "    remote_ts = 10.10.2.0/24, 10.20.0.0/16\n"
    "    esp_proposals = aes256-sha1-esn\n"
    "    out {\n"
    "      spi = 0x1001\n"
    "      enc_key = " K32 "\n"
    "      auth_key = " K20 "\n"
    "    }\n"
    "    in {\n"
    "      spi = 0x2001\n"
    "      enc_key = " K32 "\n"
    "      auth_key = " K20 "\n"
    "    }\n"
    "  }\n"
    "}\n";

static struct daemon d;
static char dir[] = "/tmp/test_control_status.XXXXXX", sock[96];

static void
setup(void)
{
	struct conf_errors err = { 0 };

	memset(&d, 0, sizeof(d));
	d.cfg = cfg_parse(conf, strlen(conf), "u.conf", &err);
	cr_assert_not_null(d.cfg, "%s", err.msg[0]);
	cr_assert_eq(sad_build(&d.sad, d.cfg), 0);
	d.dp.sad = &d.sad;
	d.mtu = 1400;
	d.dp.out.cnt.packets = 3;
	d.dp.out.cnt.bytes = 252;
	d.dp.in.cnt.drop_no_sa = 7;
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof(sock), "%s/s.sock", dir);
	cr_assert_eq(daemon_control_open(&d, sock), 0);
}

static void
teardown(void)
{
	char cmd[128];

	control_close(d.ctl);
	sad_free(&d.sad);
	cfg_free(d.cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(control_status, .init = setup, .fini = teardown);

/* Final lines ("NNN text") in buf. */
static int
finals(const char *buf)
{
	const char *p;
	int n = 0;

	for (p = buf; *p; p = strchr(p, '\n') + 1) {
		if (strlen(p) > 4 && p[3] == ' ' && strchr(p, '\n'))
			n++;
		if (!strchr(p, '\n'))
			break;
	}
	return n;
}

/* Sends the hello and one command; returns the command's reply (static). */
static const char *
ask(const char *cmd)
{
	static char buf[16384];
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t len = 0;
	ssize_t n;
	int fd, i;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	cr_assert_geq(fd = socket(AF_UNIX, SOCK_STREAM, 0), 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	dprintf(fd, "uipsec-control 1\n%s\n", cmd);
	buf[0] = '\0';
	for (i = 0; i < 2000 && finals(buf) < 2; i++) {
		control_run(d.ctl);
		n = recv(fd, buf + len, sizeof(buf) - 1 - len, MSG_DONTWAIT);
		if (n > 0)
			len += (size_t)n;
		buf[len] = '\0';
		if (n <= 0)
			usleep(1000);
	}
	close(fd);
	cr_assert(!strncmp(buf, "200 uipsec-control 1 uipsecd\n", 29), "%s",
	    buf);
	return buf + 29;
}

Test(control_status, manual_sas_and_counters_as_text)
{
	cr_assert_str_eq(ask("status"),
	    "200-manual SAs (1):\n"
	    "200-ccu\\1: manual, INSTALLED, TUNNEL-in-UDP, "
	    "192.0.2.1:4500...192.0.2.2:4500, ESP:AES_CBC_256/HMAC_SHA1_96/ESN\n"
	    "200-  in  00002001,          0 bytes,        0 packets; dropped: "
	    "auth 0, replay 0, malformed 0, padding 0\n"
	    "200-  out 00001001,          0 bytes,        0 packets\n"
	    "200-  local  10.10.1.0/24\n"
	    "200-  remote 10.10.2.0/24 10.20.0.0/16\n"
	    "200-data plane: -, mtu 1400\n"
	    "200-  cipher contexts: 0 of 256 bound; 0 binds (misses), "
	    "0 evictions\n"
	    "200-  out (tun->udp): 3 packets, 252 bytes; dropped: malformed 0, "
	    "no policy 0, unknown SPI 0, policy 0, ESP 0, I/O 0; keepalives 0, "
	    "IKE 0; ICMP unreachable sent 0\n"
	    "200-  in  (udp->tun): 0 packets, 0 bytes; dropped: malformed 0, "
	    "no policy 0, unknown SPI 7, policy 0, ESP 0, I/O 0; keepalives 0, "
	    "IKE 0; ICMP unreachable sent 0\n"
	    "200 ok\n");
}

/* The JSON, data lines joined, must parse: checked by Debian's python3
 * (an independent parser), member by member. */
Test(control_status, json_parses_and_escapes_names)
{
	const char *r = ask("status --json");
	char cmd[640], path[128];
	const char *p;
	FILE *f;

	snprintf(path, sizeof(path), "%s/s.json", dir);
	cr_assert_not_null(f = fopen(path, "w"));
	for (p = r; !strncmp(p, "200-", 4); p = strchr(p, '\n') + 1)
		fprintf(f, "%.*s\n", (int)(strchr(p, '\n') - p - 4), p + 4);
	fclose(f);
	cr_assert_str_eq(p, "200 ok\n");
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c 'import json,sys; "
	    "s=json.load(open(sys.argv[1])); c=s[\"manual_sas\"][0]; "
	    "assert s[\"version\"]==1 and s[\"ike_sas\"]==[]; "
	    "assert c[\"name\"]==\"ccu\\\\1\", c[\"name\"]; "
	    "assert c[\"in\"][\"spi\"]==\"00002001\"; "
	    "assert c[\"remote_ts\"]==[\"10.10.2.0/24\",\"10.20.0.0/16\"]; "
	    "assert s[\"dataplane\"][\"in\"][\"drop_no_sa\"]==7; "
	    "assert s[\"dataplane\"][\"contexts\"][\"slots\"]==256' %s",
	    path);
	cr_assert_eq(system(cmd), 0, "%s", r);
}

Test(control_status, up_and_down_of_manual_and_unknown_names)
{
	cr_assert_str_eq(ask("up ccu\\1"),
	    "200 'ccu\\1' is manually keyed: it is always up\n");
	cr_assert_str_eq(ask("down ccu\\1"), "409 'ccu\\1' is manually keyed: "
	    "it cannot be taken down at run time\n");
	cr_assert_str_eq(ask("up conc"),
	    "404 no connection 'conc' (no IKE configured)\n");
}

/* A CHILD_SA as IKE adds it: found by SPI and by inner destination,
 * not listed as manual, and gone again (keys wiped) after removal. */
Test(control_status, sad_run_time_entries)
{
	static const uint8_t key[32] = { 1 }, akey[20] = { 2 };
	struct cfg_conn k = { .name = "svc", .suite =
	    ESP_SUITE_AES_CBC_HMAC_SHA1_96, .aes_key_len = 256,
	    .nlocal_ts = 1, .nremote_ts = 1 };
	const uint8_t src[4] = { 10, 10, 1, 9 }, dst[4] = { 10, 99, 0, 1 };
	struct sad_conn *c;
	int owner;

	k.local_ts[0] = (struct tun_prefix){ AF_INET, { 10, 10, 1, 9 }, 32 };
	k.remote_ts[0] = (struct tun_prefix){ AF_INET, { 10, 99 }, 16 };
	k.in.spi = 0xc0ffee01;
	k.out.spi = 0xc0ffee02;
	memcpy(k.in.enc_key, key, 32);
	memcpy(k.out.enc_key, key, 32);
	k.in.enc_key_len = k.out.enc_key_len = 32;
	memcpy(k.in.auth_key, akey, 20);
	memcpy(k.out.auth_key, akey, 20);
	k.in.auth_key_len = k.out.auth_key_len = 20;
	cr_assert_eq(sad_add(&d.sad, &k, "svc", &owner, true), 0);
	cr_assert_eq(sad_add(&d.sad, &k, "svc", &owner, true), -1,
	    "the same inbound SPI twice");
	memset(&k, 0, sizeof(k));	/* read during sad_add only */
	cr_assert_eq(d.sad.nconns, 2);
	cr_assert_not_null(c = sad_lookup_in(&d.sad, 0xc0ffee01));
	cr_assert_eq(c->owner, &owner);
	cr_assert_str_eq(c->name, "svc");
	cr_assert_eq(c->spi_out, 0xc0ffee02);
	cr_assert_eq(sad_lookup_out(&d.sad, AF_INET, src, dst), c);
	cr_assert_not_null(sad_lookup_in(&d.sad, 0x2001), "manual still there");
	cr_assert_not_null(strstr(ask("status"), "manual SAs (1):"));
	cr_assert_eq(sad_remove(&d.sad, 0xc0ffee01), &owner);
	cr_assert_null(sad_remove(&d.sad, 0xc0ffee01));
	cr_assert_null(sad_lookup_in(&d.sad, 0xc0ffee01));
	cr_assert_not_null(c = sad_lookup_in(&d.sad, 0x2001));
	cr_assert_eq(d.sad.nconns, 1);
}
