/*
 * common/conf.h — strongSwan's settings syntax (strongswan.conf(5), the
 * syntax of swanctl.conf) parsed into a tree that remembers where every key
 * came from, so that each consumer can say "file:line: what is wrong".
 *
 *     settings := (section | keyvalue)*
 *     section  := name '{' settings '}'
 *     keyvalue := key '=' value '\n'
 *
 * Names may hold any printable character except . , : { } = " # and white
 * space. A value runs to the end of the line, a '#' (comment) or a '}'
 * closing the section, trimmed of surrounding blanks; a value in double
 * quotes may hold those characters and the escapes \" \\ \n \t. `include`
 * and section references (`name : base {`) are not supported and rejected.
 * A name given twice in one section is an error, not an override: a
 * security daemon should not silently pick one of two keys.
 *
 * The tree is only what was written; what a key means and whether it is
 * allowed is the consumer's business (conf_check() helps with the latter).
 */
#ifndef UIPSEC_COMMON_CONF_H
#define UIPSEC_COMMON_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct conf_node {
	char			*name;
	char			*value;		/* NULL for a section */
	const char		*file;		/* shared by all nodes of a file */
	unsigned		 line;		/* 1-based; 0 for the root */
	struct conf_node	*parent;	/* NULL for the root */
	struct conf_node	*child;		/* first entry of a section */
	struct conf_node	*next;		/* next sibling, in file order */
};

/* Diagnostics: every error is counted; the first CONF_ERR_MAX are kept as
 * one line each, "file:line: what is wrong". */
#define CONF_ERR_MAX	16
#define CONF_ERR_LEN	256
struct conf_errors {
	unsigned	count;
	char		msg[CONF_ERR_MAX][CONF_ERR_LEN];
};

/* Parses text[0..len) read from `file` (a name for messages; copied). Returns
 * the root section, owned by the caller (conf_free), or NULL after adding
 * the first syntax error to *err. */
struct conf_node *conf_parse(const char *text, size_t len, const char *file,
	    struct conf_errors *err);
/* Reads and parses the file at path; NULL and an error if it cannot. */
struct conf_node *conf_load(const char *path, struct conf_errors *err);
/* Frees a tree from conf_parse/conf_load, wiping every value (they may be
 * keys). Accepts NULL. */
void	 conf_free(struct conf_node *root);

static inline bool
conf_is_section(const struct conf_node *n)
{
	return n->value == NULL;
}

/* The entry called name directly in section sec, or NULL (borrowed). */
const struct conf_node *conf_find(const struct conf_node *sec,
	    const char *name);
/* Comma-separated values ("10.1.0.0/16, fd00::/64"): copies the next item,
 * trimmed of blanks, into item (cap bytes) and moves *p past it (NULL after
 * the last). Returns 1 for an item, 0 when *p is NULL (the list is done),
 * -1 for an empty item or one that does not fit. Start with *p = value. */
int	 conf_list_next(const char **p, char *item, size_t cap);
/* "a.b.c": the path of a node for messages, into out (cap bytes). */
const char *conf_path(const struct conf_node *n, char *out, size_t cap);

/* Adds "file:line: <fmt>" for node `at` (or "<fmt>" when at is NULL). */
void	 conf_err(struct conf_errors *err, const struct conf_node *at,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same for a place remembered after the tree was freed. */
void	 conf_err_at(struct conf_errors *err, const char *file, unsigned line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * What a section may hold: a table ended by { NULL, CONF_KEY, false }. A
 * rule named "*" matches any name of its kind (e.g. the connections of a
 * section). Every entry that matches no rule, a key where a section is expected (or the
 * reverse), and every missing required entry is reported through err.
 * Returns the number of problems found.
 */
enum conf_kind { CONF_KEY, CONF_SECTION };
struct conf_rule {
	const char	*name;
	enum conf_kind	 kind;
	bool		 required;
};
unsigned conf_check(const struct conf_node *sec, const struct conf_rule *rules,
	    struct conf_errors *err);

#endif
