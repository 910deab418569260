/* Unit tests for the strongSwan-syntax settings parser (common/conf.h). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/conf.h"

static struct conf_node *
parse(const char *text, struct conf_errors *err)
{
	memset(err, 0, sizeof(*err));
	return conf_parse(text, strlen(text), "t.conf", err);
}

static const char *
value_at(const struct conf_node *root, const char *a, const char *b)
{
	const struct conf_node *n = conf_find(root, a);

	if (n && b)
		n = conf_find(n, b);
	return n && !conf_is_section(n) ? n->value : NULL;
}

Test(conf, sections_keys_and_lines)
{
	const char *text =
	    "# a comment\n"
	    "a = b\n"
	    "section-one {\n"
	    "\tsomevalue = asdf  \n"
	    "\tsubsection {\n"
	    "\t\tothervalue = xxx\n"
	    "\t}\n"
	    "\t# yei, a comment\n"
	    "\tyetanother = zz\n"
	    "}\n"
	    "section-two { x = 12 }\n";
	const struct conf_node *one, *sub;
	struct conf_errors err;
	struct conf_node *root;
	char path[64];

	root = parse(text, &err);
	cr_assert_not_null(root, "%s", err.msg[0]);
	cr_assert_str_eq(value_at(root, "a", NULL), "b");
	cr_assert_str_eq(value_at(root, "section-one", "somevalue"), "asdf");
	cr_assert_str_eq(value_at(root, "section-one", "yetanother"), "zz");
	cr_assert_str_eq(value_at(root, "section-two", "x"), "12");
	one = conf_find(root, "section-one");
	cr_assert(conf_is_section(one));
	cr_assert_eq(one->line, 3);
	sub = conf_find(one, "subsection");
	cr_assert_eq(conf_find(sub, "othervalue")->line, 6);
	cr_assert_str_eq(conf_find(sub, "othervalue")->file, "t.conf");
	cr_assert_str_eq(conf_path(conf_find(sub, "othervalue"), path,
	    sizeof(path)), "section-one.subsection.othervalue");
	/* File order is kept. */
	cr_assert_str_eq(root->child->name, "a");
	cr_assert_str_eq(root->child->next->name, "section-one");
	conf_free(root);
}

Test(conf, values_run_to_end_of_line_comment_or_brace)
{
	struct conf_errors err;
	struct conf_node *root;

	root = parse("load = random nonce  openssl # plugins\n"
	    "s { k = v w }\n"
	    "empty =\n"
	    "q = \"a # not a comment } \\\"x\\\" \\\\ \\t\"  # comment\n"
	    "ml = \"two\nlines\"\n"
	    "last = no newline", &err);
	cr_assert_not_null(root, "%s", err.msg[0]);
	cr_assert_str_eq(value_at(root, "load", NULL), "random nonce  openssl");
	cr_assert_str_eq(value_at(root, "s", "k"), "v w");
	cr_assert_str_eq(value_at(root, "empty", NULL), "");
	cr_assert_str_eq(value_at(root, "q", NULL),
	    "a # not a comment } \"x\" \\ \t");
	cr_assert_str_eq(value_at(root, "ml", NULL), "two\nlines");
	cr_assert_eq(conf_find(root, "last")->line, 7);
	cr_assert_str_eq(value_at(root, "last", NULL), "no newline");
	conf_free(root);
}

Test(conf, empty_input_is_an_empty_root)
{
	struct conf_errors err;
	struct conf_node *root = parse("  # nothing\n\n", &err);

	cr_assert_not_null(root);
	cr_assert_null(root->child);
	conf_free(root);
}

/* Arrays, not pointers: Criterion runs each case in a new process. */
struct bad_case {
	char	text[48];
	char	msg[96];		/* the expected "file:line: what" */
};

ParameterizedTestParameters(conf, syntax_errors)
{
	static struct bad_case cases[] = {
		{ "a {\n b = c\n", "t.conf:1: section 'a' is not closed" },
		{ "a = b\n}\n", "t.conf:2: '}' without an open section" },
		{ "a\n\nb = c\n", "t.conf:3: expected '=' or '{' after 'a'" },
		{ "x {\n a = 1\n a = 2\n}\n",
		    "t.conf:3: 'a' given twice in this section (first at "
		    "line 2)" },
		{ "x {\n y { }\n y = 1 }\n",
		    "t.conf:3: 'y' given twice in this section (first at "
		    "line 2)" },
		{ "a = \"open\n\n", "t.conf:1: quoted value is not closed" },
		{ "a = \"x\" y\n", "t.conf:1: unexpected 'y' after the quoted "
		    "value" },
		{ "a = x\"y\"\n", "t.conf:1: a quote may only start a value" },
		{ "a = \"\\q\"\n", "t.conf:1: unknown escape '\\q' in quoted "
		    "value" },
		{ "\n\n = 1\n", "t.conf:3: unexpected '=' where a name should "
		    "be" },
		{ "a.b = 1\n", "t.conf:1: expected '=' or '{' after 'a'" },
		{ "include x.conf\n", "t.conf:1: include is not supported" },
		{ "a : b { }\n", "t.conf:1: section references ('a : base') "
		    "are not supported" },
		{ "a = 1\n\x01 = 2\n", "t.conf:2: unexpected byte 0x01" },
	};

	return cr_make_param_array(struct bad_case, cases,
	    sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, conf, syntax_errors)
{
	struct conf_errors err;

	cr_assert_null(parse(c->text, &err));
	cr_assert_eq(err.count, 1);
	cr_assert_str_eq(err.msg[0], c->msg);
}

Test(conf, nul_byte_and_deep_nesting_are_refused)
{
	static const char nul[] = "a = b\0c\n";
	struct conf_errors err = { 0 };
	char deep[200] = "";
	int i;

	cr_assert_null(conf_parse(nul, sizeof(nul) - 1, "t.conf", &err));
	cr_assert_str_eq(err.msg[0], "t.conf: contains a NUL byte");
	for (i = 0; i < 40; i++)
		strcat(deep, "a{");
	cr_assert_null(parse(deep, &err));
	cr_assert(strstr(err.msg[0], "nested deeper than"), "%s", err.msg[0]);
}

Test(conf, check_reports_unknown_wrong_kind_and_missing)
{
	static const struct conf_rule conn_rules[] = {
		{ "local_addrs", CONF_KEY, true },
		{ "out", CONF_SECTION, true },
		{ "mode", CONF_KEY, false },
		{ NULL, CONF_KEY, false },
	};
	static const struct conf_rule manual_rules[] = {
		{ "*", CONF_SECTION, false },
		{ NULL, CONF_KEY, false },
	};
	const char *text =
	    "manual {\n"
	    "  c1 {\n"
	    "    local_addrs = 192.0.2.1\n"
	    "    bogus = 1\n"
	    "    mode { }\n"
	    "  }\n"
	    "  stray = 1\n"
	    "}\n";
	const struct conf_node *manual, *c1;
	struct conf_errors err;
	struct conf_node *root;

	root = parse(text, &err);
	cr_assert_not_null(root);
	manual = conf_find(root, "manual");
	cr_assert_eq(conf_check(manual, manual_rules, &err), 1);
	cr_assert_str_eq(err.msg[0], "t.conf:7: unknown key 'manual.stray'");
	c1 = conf_find(manual, "c1");
	cr_assert_eq(conf_check(c1, conn_rules, &err), 3);
	cr_assert_str_eq(err.msg[1], "t.conf:4: unknown key 'manual.c1.bogus'");
	cr_assert_str_eq(err.msg[2], "t.conf:5: 'manual.c1.mode' must be a "
	    "key");
	cr_assert_str_eq(err.msg[3], "t.conf:2: section 'manual.c1' lacks "
	    "section 'out'");
	cr_assert_eq(err.count, 4);
	conf_free(root);
}

Test(conf, errors_beyond_the_kept_ones_are_counted)
{
	struct conf_errors err = { 0 };
	unsigned i;

	for (i = 0; i < CONF_ERR_MAX + 5; i++)
		conf_err(&err, NULL, "e%u", i);
	cr_assert_eq(err.count, CONF_ERR_MAX + 5);
	cr_assert_str_eq(err.msg[CONF_ERR_MAX - 1], "e15");
}

Test(conf, load_reads_a_file_and_names_it)
{
	char path[] = "/tmp/test_conf_XXXXXX";
	struct conf_errors err = { 0 };
	struct conf_node *root;
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "s {\n k = v\n}\n", 13), 13);
	close(fd);
	root = conf_load(path, &err);
	cr_assert_not_null(root);
	cr_assert_str_eq(conf_find(conf_find(root, "s"), "k")->file, path);
	conf_free(root);
	unlink(path);
	cr_assert_null(conf_load(path, &err));
	cr_assert(strstr(err.msg[0], "cannot open"), "%s", err.msg[0]);
}

Test(conf, comma_lists)
{
	const char *p = " 10.1.0.0/16 ,fd00::/64,\tx ";
	char item[16];

	cr_assert_eq(conf_list_next(&p, item, sizeof(item)), 1);
	cr_assert_str_eq(item, "10.1.0.0/16");
	cr_assert_eq(conf_list_next(&p, item, sizeof(item)), 1);
	cr_assert_str_eq(item, "fd00::/64");
	cr_assert_eq(conf_list_next(&p, item, sizeof(item)), 1);
	cr_assert_str_eq(item, "x");
	cr_assert_null(p);
	cr_assert_eq(conf_list_next(&p, item, sizeof(item)), 0);

	p = "a,,b";
	cr_assert_eq(conf_list_next(&p, item, sizeof(item)), 1);
	cr_assert_eq(conf_list_next(&p, item, sizeof(item)), -1);
	p = "a,";
	cr_assert_eq(conf_list_next(&p, item, sizeof(item)), 1);
	cr_assert_eq(conf_list_next(&p, item, sizeof(item)), -1);
	p = "0123456789abcdefXYZ";		/* longer than item */
	cr_assert_eq(conf_list_next(&p, item, sizeof(item)), -1);
}
