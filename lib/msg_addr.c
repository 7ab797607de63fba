/* msg_addr: the domain of the first mailbox of From:/Sender: (spec S-3). */
#include "msg.h"

#include <string.h>

enum { T_END, T_WORD, T_QS, T_LIT, T_SPEC, T_ERR };

typedef struct tok {
	int type;
	char c;          /* T_SPEC: one of < > @ , ; : */
	size_t off, len; /* T_WORD */
} tok;

static int
is_word(unsigned char c)
{
	if (c >= 0x80)
		return 1;            /* UTF-8 in local parts (RFC 6532) */
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-/=?^_`{|}~.", c) != 0;
}

/* Skips to the byte after the closing delimiter; 0 if unterminated.
   Comments nest, quoted pairs are skipped in both. */
static int
skip_delim(const char *v, size_t n, size_t *pos, char open, char close)
{
	size_t i = *pos + 1;
	int depth = 1;

	while (i < n) {
		char c = v[i++];

		if (c == '\\') {
			if (i >= n)
				return 0;
			i++;
		} else if (c == close) {
			if (--depth == 0) {
				*pos = i;
				return 1;
			}
		} else if (c == open && open == '(') {
			depth++;
		}
	}
	return 0;
}

/*
 * Tokens: blanks and line ends separate, comments (...) are skipped,
 * "..." is a quoted string, [...] a domain literal, < > @ , ; : are
 * specials, runs of atext and dots are words; anything else is an error.
 */
static void
next_tok(const char *v, size_t n, size_t *pos, tok *t)
{
	size_t i = *pos;

	for (;;) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\r' ||
		    v[i] == '\n'))
			i++;
		if (i < n && v[i] == '(') {
			if (!skip_delim(v, n, &i, '(', ')')) {
				t->type = T_ERR;
				return;
			}
			continue;
		}
		break;
	}
	if (i >= n) {
		t->type = T_END;
		*pos = i;
		return;
	}
	if (v[i] == '"' || v[i] == '[') {
		t->type = v[i] == '"' ? T_QS : T_LIT;
		if (!skip_delim(v, n, &i, v[i], v[i] == '"' ? '"' : ']'))
			t->type = T_ERR;
		*pos = i;
		return;
	}
	if (strchr("<>@,;:", v[i])) {
		t->type = T_SPEC;
		t->c = v[i];
		*pos = i + 1;
		return;
	}
	if (!is_word((unsigned char)v[i])) {
		t->type = T_ERR;
		return;
	}
	t->type = T_WORD;
	t->off = i;
	while (i < n && is_word((unsigned char)v[i]))
		i++;
	t->len = i - t->off;
	*pos = i;
}

/* Checks and lower-cases a domain (labels of letters, digits, '-', '_',
   at most 63 octets each); drops one final dot.  Returns the length. */
static size_t
domain_fix(char *d, size_t len)
{
	size_t i, label = 0;

	if (len > 0 && d[len - 1] == '.')
		len--;
	if (len == 0 || len > MSG_DOMAIN_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)d[i];

		if (c == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			d[i] = (char)(c + 32);
		else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_'))
			return 0;
		if (++label > 63)
			return 0;
	}
	if (label == 0)
		return 0;
	d[len] = 0;
	return len;
}

/* Reads the domain words after '@' into dom; *t is left on the first
   token after them.  Returns the raw length, or 0 if not a plain domain. */
static size_t
read_domain(const char *v, size_t n, size_t *pos, tok *t, char *dom)
{
	size_t len = 0;
	int bad = 0;

	next_tok(v, n, pos, t);
	while (t->type == T_WORD) {
		if (len > 0 && dom[len - 1] != '.' && v[t->off] != '.')
			bad = 1;     /* "a@b c": two words without a dot */
		if (t->len > MSG_DOMAIN_MAX + 1 - len)
			bad = 1;
		else {
			memcpy(dom + len, v + t->off, t->len);
			len += t->len;
		}
		next_tok(v, n, pos, t);
	}
	if (t->type == T_LIT || t->type == T_QS)
		bad = 1;
	return bad ? 0 : len;
}

/*
 * Mailbox walk, outside <...>:
 *   ':'           group name ends: forget what was seen
 *   '@'           remember the domain words that follow (first one only)
 *   '<'           angle address: [@route,...:] local @ domain '>' ends
 *                 the search (a bad one skips to the next mailbox)
 *   ',' ';' END   mailbox ends: a remembered domain is the answer
 */
size_t
msg_addr_domain(const char *v, size_t n, char *dom)
{
	size_t pos = 0, len = 0;
	int have = 0;
	tok t;

	next_tok(v, n, &pos, &t);
	for (;;) {
		if (t.type == T_ERR)
			return 0;
		if (t.type == T_END || (t.type == T_SPEC &&
		    (t.c == ',' || t.c == ';'))) {
			if (have == 1 && (len = domain_fix(dom, len)))
				return len;
			if (t.type == T_END)
				return 0;
			have = 0;
		} else if (t.type == T_SPEC && t.c == ':') {
			have = 0;
		} else if (t.type == T_SPEC && t.c == '@') {
			if (!have) {
				len = read_domain(v, n, &pos, &t, dom);
				have = len ? 1 : 2;  /* 2: unusable, wait for ',' */
				continue;
			}
			have = 2;            /* "a@b@c" */
		} else if (t.type == T_SPEC && t.c == '<') {
			next_tok(v, n, &pos, &t);
			if (t.type == T_SPEC && t.c == '@') {   /* obs-route */
				while (t.type != T_END && t.type != T_ERR &&
				    !(t.type == T_SPEC && t.c == ':'))
					next_tok(v, n, &pos, &t);
				next_tok(v, n, &pos, &t);
			}
			while (t.type == T_WORD || t.type == T_QS)
				next_tok(v, n, &pos, &t);
			len = 0;
			if (t.type == T_SPEC && t.c == '@')
				len = read_domain(v, n, &pos, &t, dom);
			if (len && t.type == T_SPEC && t.c == '>' &&
			    (len = domain_fix(dom, len)))
				return len;
			have = 2;
			while (t.type != T_END && t.type != T_ERR &&
			    !(t.type == T_SPEC && (t.c == ',' || t.c == ';')))
				next_tok(v, n, &pos, &t);
			continue;
		}
		next_tok(v, n, &pos, &t);
	}
}

size_t
msg_sign_domain(const char *text, const msg_field *f, size_t nf, char *dom)
{
	size_t i, len;
	const char *pass[2] = { "sender", "from" };
	int p;

	for (p = 0; p < 2; p++)
		for (i = 0; i < nf; i++) {
			const char *v;

			if (!msg_field_is(text, &f[i], pass[p]))
				continue;
			v = memchr(text + f[i].off, ':', f[i].len);
			v++;
			len = msg_addr_domain(v, f[i].len -
			    (size_t)(v - (text + f[i].off)), dom);
			if (len)
				return len;
			break;       /* only the first field of each name */
		}
	return 0;
}
