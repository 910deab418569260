/* common/conf.c — strongSwan settings syntax; see conf.h for the grammar. */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define CONF_MAX_DEPTH		32
#define CONF_MAX_FILE		(4u << 20)

struct conf_lexer {
	const char		*p;
	const char		*end;
	const char		*file;
	unsigned		 line;
	struct conf_errors	*err;
};

static void conf_verr(struct conf_errors *err, const char *file,
	    unsigned line, const char *fmt, va_list ap)
	    __attribute__((format(printf, 4, 0)));

static void
conf_verr(struct conf_errors *err, const char *file, unsigned line,
    const char *fmt, va_list ap)
{
	char what[CONF_ERR_LEN - 48];	/* leaves room for "file:line: " */

	vsnprintf(what, sizeof(what), fmt, ap);
	if (err->count < CONF_ERR_MAX) {
		if (file)
			snprintf(err->msg[err->count], CONF_ERR_LEN, "%s:%u: %s",
			    file, line, what);
		else
			snprintf(err->msg[err->count], CONF_ERR_LEN, "%s", what);
	}
	err->count++;
}

void
conf_err(struct conf_errors *err, const struct conf_node *at,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(err, at ? at->file : NULL, at ? at->line : 0, fmt, ap);
	va_end(ap);
}

void
conf_err_at(struct conf_errors *err, const char *file, unsigned line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(err, file, line, fmt, ap);
	va_end(ap);
}

static void
lex_err(struct conf_lexer *lx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
lex_err(struct conf_lexer *lx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_verr(lx->err, lx->file, lx->line, fmt, ap);
	va_end(ap);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* strongswan.conf(5): any printable character but . , : { } = " # blank. */
static bool
is_name_char(char c)
{
	return c > ' ' && c < 0x7f && !strchr(".,:{}=\"#", c);
}

static void
skip_blanks(struct conf_lexer *lx)
{
	while (lx->p < lx->end && is_blank(*lx->p))
		lx->p++;
}

/* Blanks, newlines and comments between entries. */
static void
skip_space(struct conf_lexer *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == '\n') {
			lx->line++;
			lx->p++;
		} else if (is_blank(*lx->p)) {
			lx->p++;
		} else if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else {
			break;
		}
	}
}

static void
node_free(struct conf_node *n)
{
	struct conf_node *next;

	for (; n; n = next) {
		next = n->next;
		node_free(n->child);
		free(n->name);
		if (n->value) {
			sodium_memzero(n->value, strlen(n->value));
			free(n->value);
		}
		free(n);
	}
}

void
conf_free(struct conf_node *root)
{
	if (!root)
		return;
	node_free(root->child);
	free((char *)root->file);
	free(root->name);
	free(root);
}

const struct conf_node *
conf_find(const struct conf_node *sec, const char *name)
{
	const struct conf_node *n;

	for (n = sec->child; n; n = n->next)
		if (!strcmp(n->name, name))
			return n;
	return NULL;
}

int
conf_list_next(const char **p, char *item, size_t cap)
{
	const char *s = *p, *end;
	size_t len;

	if (!s)
		return 0;
	end = s + strcspn(s, ",");
	while (*s == ' ' || *s == '\t')
		s++;
	len = (size_t)(end - s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*p = *end ? end + 1 : NULL;
	if (len == 0 || len >= cap)
		return -1;
	memcpy(item, s, len);
	item[len] = '\0';
	return 1;
}

const char *
conf_path(const struct conf_node *n, char *out, size_t cap)
{
	size_t len, at;

	if (cap == 0)
		return out;
	out[0] = '\0';
	if (!n || !n->parent)
		return out;
	conf_path(n->parent, out, cap);
	at = strlen(out);
	len = strlen(n->name);
	if (at && at + 1 < cap)
		out[at++] = '.';
	if (at + len >= cap)
		len = cap - 1 - at;
	memcpy(out + at, n->name, len);
	out[at + len] = '\0';
	return out;
}

/* Appends a new entry to sec; a second entry of the same name is an error. */
static struct conf_node *
node_add(struct conf_lexer *lx, struct conf_node *sec, char *name,
    unsigned line)
{
	struct conf_node *n, **tail;

	for (tail = &sec->child; *tail; tail = &(*tail)->next) {
		if (!strcmp((*tail)->name, name)) {
			lx->line = line;
			lex_err(lx, "'%s' given twice in this section (first "
			    "at line %u)", name, (*tail)->line);
			free(name);
			return NULL;
		}
	}
	if (!(n = calloc(1, sizeof(*n)))) {
		lex_err(lx, "out of memory");
		free(name);
		return NULL;
	}
	n->name = name;
	n->file = lx->file;
	n->line = line;
	n->parent = sec;
	*tail = n;
	return n;
}

static char *
read_name(struct conf_lexer *lx)
{
	const char *start = lx->p;
	char *name;

	while (lx->p < lx->end && is_name_char(*lx->p))
		lx->p++;
	if (lx->p == start)
		return NULL;
	if (!(name = strndup(start, (size_t)(lx->p - start))))
		lex_err(lx, "out of memory");
	return name;
}

/* A double-quoted value with the escapes \" \\ \n \t; may span lines. */
static char *
read_quoted(struct conf_lexer *lx)
{
	unsigned first_line = lx->line;
	char *out, *o;

	lx->p++;			/* the opening quote */
	if (!(out = malloc((size_t)(lx->end - lx->p) + 1))) {
		lex_err(lx, "out of memory");
		return NULL;
	}
	for (o = out; lx->p < lx->end && *lx->p != '"'; lx->p++) {
		if (*lx->p == '\n')
			lx->line++;
		if (*lx->p != '\\') {
			*o++ = *lx->p;
			continue;
		}
		if (++lx->p == lx->end)
			break;
		switch (*lx->p) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		default:
			lex_err(lx, "unknown escape '\\%c' in quoted value",
			    *lx->p);
			goto fail;
		}
	}
	if (lx->p == lx->end) {
		lx->line = first_line;
		lex_err(lx, "quoted value is not closed");
		goto fail;
	}
	lx->p++;			/* the closing quote */
	*o = '\0';
	skip_blanks(lx);
	if (lx->p < lx->end && !strchr("\n#}", *lx->p)) {
		lex_err(lx, "unexpected '%c' after the quoted value", *lx->p);
		goto fail;
	}
	return out;
fail:
	sodium_memzero(out, (size_t)(o - out));
	free(out);
	return NULL;
}

/* After '=': a quoted value, or the rest of the line up to '#' or '}'. */
static char *
read_value(struct conf_lexer *lx)
{
	const char *start, *last;
	char *v;

	skip_blanks(lx);
	if (lx->p < lx->end && *lx->p == '"')
		return read_quoted(lx);
	start = last = lx->p;
	while (lx->p < lx->end && !strchr("\n#}", *lx->p)) {
		if (*lx->p == '"') {
			lex_err(lx, "a quote may only start a value");
			return NULL;
		}
		if (!is_blank(*lx->p))
			last = lx->p + 1;
		lx->p++;
	}
	if (!(v = strndup(start, (size_t)(last - start))))
		lex_err(lx, "out of memory");
	return v;
}

/* One entry after its name: "= value" or "{ settings }". */
static bool parse_section(struct conf_lexer *lx, struct conf_node *sec,
	    unsigned depth);

static bool
parse_entry(struct conf_lexer *lx, struct conf_node *sec, char *name,
    unsigned depth)
{
	unsigned line = lx->line;
	struct conf_node *n;
	char *value;

	skip_space(lx);
	if (lx->p < lx->end && *lx->p == '=') {
		lx->p++;
		if (!(value = read_value(lx))) {
			free(name);
			return false;
		}
		if (!(n = node_add(lx, sec, name, line))) {
			sodium_memzero(value, strlen(value));
			free(value);
			return false;
		}
		n->value = value;
		return true;
	}
	if (lx->p < lx->end && *lx->p == '{') {
		lx->p++;
		if (depth + 1 >= CONF_MAX_DEPTH) {
			lex_err(lx, "sections nested deeper than %d",
			    CONF_MAX_DEPTH);
			free(name);
			return false;
		}
		if (!(n = node_add(lx, sec, name, line)))
			return false;
		return parse_section(lx, n, depth + 1);
	}
	if (lx->p < lx->end && *lx->p == ':')
		lex_err(lx, "section references ('%s : base') are not "
		    "supported", name);
	else if (!strcmp(name, "include"))
		lex_err(lx, "include is not supported");
	else
		lex_err(lx, "expected '=' or '{' after '%s'", name);
	free(name);
	return false;
}

static bool
parse_section(struct conf_lexer *lx, struct conf_node *sec, unsigned depth)
{
	char *name;

	for (;;) {
		skip_space(lx);
		if (lx->p == lx->end) {
			if (depth == 0)
				return true;
			lx->line = sec->line;
			lex_err(lx, "section '%s' is not closed", sec->name);
			return false;
		}
		if (*lx->p == '}') {
			if (depth == 0) {
				lex_err(lx, "'}' without an open section");
				return false;
			}
			lx->p++;
			return true;
		}
		if (!(name = read_name(lx))) {
			if (!isprint((unsigned char)*lx->p))
				lex_err(lx, "unexpected byte 0x%02x",
				    (unsigned char)*lx->p);
			else
				lex_err(lx, "unexpected '%c' where a name "
				    "should be", *lx->p);
			return false;
		}
		if (!parse_entry(lx, sec, name, depth))
			return false;
	}
}

struct conf_node *
conf_parse(const char *text, size_t len, const char *file,
    struct conf_errors *err)
{
	struct conf_lexer lx = { .p = text, .end = text + len, .line = 1,
	    .err = err };
	struct conf_node *root;

	if (!(root = calloc(1, sizeof(*root))) ||
	    !(root->name = strdup("")) || !(root->file = strdup(file))) {
		conf_err(err, NULL, "%s: out of memory", file);
		conf_free(root);
		return NULL;
	}
	lx.file = root->file;
	if (memchr(text, '\0', len)) {
		conf_err(err, NULL, "%s: contains a NUL byte", file);
		conf_free(root);
		return NULL;
	}
	if (!parse_section(&lx, root, 0)) {
		conf_free(root);
		return NULL;
	}
	return root;
}

struct conf_node *
conf_load(const char *path, struct conf_errors *err)
{
	struct conf_node *root = NULL;
	struct stat st;
	char *text = NULL;
	size_t got = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		conf_err(err, NULL, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > CONF_MAX_FILE) {
		conf_err(err, NULL, "%s: not a regular file of at most %u "
		    "bytes", path, CONF_MAX_FILE);
		goto out;
	}
	if (!(text = malloc((size_t)st.st_size + 1))) {
		conf_err(err, NULL, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, text + got, (size_t)st.st_size - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			conf_err(err, NULL, "%s: cannot read: %s", path,
			    strerror(errno));
			goto out;
		}
		got += (size_t)n;
	}
	root = conf_parse(text, got, path, err);
out:
	if (text) {
		sodium_memzero(text, got);
		free(text);
	}
	close(fd);
	return root;
}

/* The rule for entry n: by name, else a wildcard ("*") of its kind. */
static const struct conf_rule *
rule_for(const struct conf_node *n, const struct conf_rule *rules)
{
	enum conf_kind kind = conf_is_section(n) ? CONF_SECTION : CONF_KEY;
	const struct conf_rule *r;

	for (r = rules; r->name; r++)
		if (!strcmp(r->name, n->name))
			return r;
	for (r = rules; r->name; r++)
		if (!strcmp(r->name, "*") && r->kind == kind)
			return r;
	return NULL;
}

static const char *
kind_name(enum conf_kind kind)
{
	return kind == CONF_SECTION ? "section" : "key";
}

unsigned
conf_check(const struct conf_node *sec, const struct conf_rule *rules,
    struct conf_errors *err)
{
	const struct conf_node *n;
	const struct conf_rule *r;
	unsigned before = err->count;
	enum conf_kind kind;
	char path[128];

	for (n = sec->child; n; n = n->next) {
		kind = conf_is_section(n) ? CONF_SECTION : CONF_KEY;
		if (!(r = rule_for(n, rules)))
			conf_err(err, n, "unknown %s '%s'", kind_name(kind),
			    conf_path(n, path, sizeof(path)));
		else if (r->kind != kind)
			conf_err(err, n, "'%s' must be a %s", conf_path(n, path,
			    sizeof(path)), kind_name(r->kind));
	}
	for (r = rules; r->name; r++) {
		if (!r->required || !strcmp(r->name, "*") ||
		    conf_find(sec, r->name))
			continue;
		if (sec->parent)
			conf_err(err, sec, "section '%s' lacks %s '%s'",
			    conf_path(sec, path, sizeof(path)),
			    kind_name(r->kind), r->name);
		else
			conf_err(err, NULL, "%s: no %s '%s'", sec->file,
			    kind_name(r->kind), r->name);
	}
	return err->count - before;
}
