/*
 * libFuzzer harness over keylog_read() (tools/keylog): any bytes as a key
 * log file (through a memfd, as the reader takes a path). Properties: no
 * crash or leak; a failure names file and line ("fuzz:N: ...") with N no
 * more than the input's lines; every record read writes out again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tools/keylog/keylog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keylog kl = { 0 };
	char path[64], err[512];
	unsigned lines = 1, line;
	size_t i, plen;
	FILE *null;
	int fd;

	if ((fd = memfd_create("fuzz", 0)) < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	plen = strlen(path);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (keylog_read(&kl, path, err, sizeof(err)) < 0) {
		if (strncmp(err, path, plen) != 0 || err[plen] != ':' ||
		    sscanf(err + plen + 1, "%u:", &line) != 1 || line == 0 ||
		    line > lines)
			abort();
	}
	if ((null = fopen("/dev/null", "w")) == NULL)
		abort();
	for (i = 0; i < kl.n_ike; i++)
		if (keylog_write_ike(null, &kl.ike[i]) < 0 ||
		    keylog_write_wireshark_ike(null, &kl.ike[i]) < 0)
			abort();
	for (i = 0; i < kl.n_esp; i++)
		if (keylog_write_esp(null, &kl.esp[i]) < 0 ||
		    keylog_write_wireshark_esp(null, &kl.esp[i]) < 0)
			abort();
	fclose(null);
	keylog_free(&kl);
	close(fd);
	return 0;
}
