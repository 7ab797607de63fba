/* smtp_line: the bounded command-line reader and verb tables (smtp.h). */
#include "smtp.h"

#include <string.h>

size_t
smtp_line_feed(smtp_line *l, const char *buf, size_t n)
{
	size_t i;

	if (l->done) {
		l->len = 0;
		l->cut = 0;
		l->done = 0;
	}
	for (i = 0; i < n; i++) {
		char c = buf[i];

		if (c == '\n') {
			if (!l->cut && l->len > 0 && l->s[l->len - 1] == '\r')
				l->len--;
			l->s[l->len] = 0;
			l->done = 1;
			return i + 1;
		}
		if (l->len == SMTP_LINE_MAX) {
			l->cut = 1;
			continue;
		}
		l->s[l->len++] = c ? c : '\n';
	}
	return n;
}

const smtp_verb smtp_verbs_rblsmtpd[] = {
	{ "quit", SMTP_REPLY_QUIT },
	{ "helo", SMTP_REPLY_OK },
	{ "ehlo", SMTP_REPLY_OK },
	{ "mail", SMTP_REPLY_OK },
	{ "rset", SMTP_REPLY_OK },
	{ "noop", SMTP_REPLY_OK },
	{ 0, SMTP_REPLY_MESSAGE },
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

const smtp_verb *
smtp_verb_find(const smtp_verb *table, const char *line, size_t n)
{
	const char *sp = memchr(line, ' ', n);
	size_t k = sp ? (size_t)(sp - line) : n, i;
	const smtp_verb *v;

	for (v = table; v->verb; v++) {
		if (strlen(v->verb) != k)
			continue;
		for (i = 0; i < k; i++)
			if (lower((unsigned char)line[i]) != v->verb[i])
				break;
		if (i == k)
			return v;
	}
	return v;
}
