/* dkv_tags: RFC 6376 3.2 tag=value lists. */
#include "dkv.h"

#include <string.h>

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int
dkv_tags_parse(const char *s, size_t n, dkv_tag *t, size_t max, size_t *nt)
{
	size_t i = 0;

	*nt = 0;
	while (i < n) {
		size_t a, e, j;

		while (i < n && blank(s[i]))
			i++;
		if (i >= n)
			break;
		if (s[i] == ';') {           /* empty tag-spec: tolerated */
			i++;
			continue;
		}
		if (!alpha(s[i]))
			return DKV_TAGS_SYNTAX;
		a = i;
		while (i < n && (alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_'))
			i++;
		e = i;
		while (i < n && blank(s[i]))
			i++;
		if (i >= n || s[i] != '=')
			return DKV_TAGS_SYNTAX;
		i++;
		for (j = 0; j < *nt; j++)
			if (t[j].namelen == e - a &&
			    memcmp(t[j].name, s + a, e - a) == 0)
				return DKV_TAGS_DUP;
		if (*nt == max)
			return DKV_TAGS_TOOMANY;
		t[*nt].name = s + a;
		t[*nt].namelen = e - a;
		while (i < n && blank(s[i]))
			i++;
		a = i;
		while (i < n && s[i] != ';') {
			unsigned char c = (unsigned char)s[i];

			if (!blank(s[i]) && (c < 0x21 || c > 0x7e))
				return DKV_TAGS_SYNTAX;
			i++;
		}
		e = i;
		while (e > a && blank(s[e - 1]))
			e--;
		t[*nt].val = s + a;
		t[*nt].vallen = e - a;
		(*nt)++;
		if (i < n)
			i++;                 /* the ';' */
	}
	return DKV_TAGS_OK;
}

const dkv_tag *
dkv_tag_get(const dkv_tag *t, size_t nt, const char *name)
{
	size_t i, l = strlen(name);

	for (i = 0; i < nt; i++)
		if (t[i].namelen == l && memcmp(t[i].name, name, l) == 0)
			return &t[i];
	return 0;
}
