/* authres_id: the authserv-id of an incoming A-R field (V-7). */
#include "authres.h"

#include <string.h>
#include <strings.h>

static int
tokenchar(unsigned char c)
{
	return c > 32 && c < 127 && !strchr("()<>@,;:\\\"/[]?=", c);
}

/* Skips blanks, line ends and (nested) comments; returns the new
   position, or n + 1 for an unterminated comment. */
static size_t
cfws(const char *v, size_t n, size_t i)
{
	int depth = 0;

	while (i < n) {
		char c = v[i];

		if (depth > 0) {
			if (c == '\\')
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			i++;
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			i++;
		else if (c == '(') {
			depth = 1;
			i++;
		} else
			break;
	}
	return depth ? n + 1 : i;
}

int
authres_servid(const char *v, size_t n, char *id)
{
	size_t i = cfws(v, n, 0), k = 0;

	if (i >= n)
		return -1;
	if (v[i] == '"') {
		for (i++; i < n && v[i] != '"'; i++) {
			if (v[i] == '\\' && ++i >= n)
				return -1;
			if (k + 1 >= AUTHRES_ID_MAX)
				return -1;
			id[k++] = v[i];
		}
		if (i >= n)
			return -1;
		i++;
	} else {
		/* a token; a dot-atom domain name is one too */
		while (i < n && tokenchar((unsigned char)v[i])) {
			if (k + 1 >= AUTHRES_ID_MAX)
				return -1;
			id[k++] = v[i++];
		}
	}
	if (k == 0)
		return -1;
	i = cfws(v, n, i);
	if (i < n && v[i] != ';' && !tokenchar((unsigned char)v[i]))
		return -1;
	id[k] = 0;
	return (int)k;
}

int
authres_is_ours(const char *field, size_t n, const char *servid)
{
	static const char name[] = "authentication-results";
	size_t nl = sizeof name - 1, i;
	char id[AUTHRES_ID_MAX];
	int k;

	if (n < nl || strncasecmp(field, name, nl) != 0)
		return 0;
	for (i = nl; i < n && (field[i] == ' ' || field[i] == '\t'); i++)
		;
	if (i >= n || field[i] != ':')
		return 0;
	k = authres_servid(field + i + 1, n - i - 1, id);
	return k > 0 && strlen(servid) == (size_t)k &&
	    strncasecmp(id, servid, (size_t)k) == 0 && !memchr(id, 0, (size_t)k);
}
