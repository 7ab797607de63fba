/* srv: children table, ident reply parsing, log field cleaning. */
#include "srv.h"
#include "ip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int
srv_children_init(srv_children *t, size_t max)
{
	t->c = calloc(max ? max : 1, sizeof *t->c);
	if (!t->c) {
		errno = ENOMEM;
		return 0;
	}
	t->max = max;
	t->n = 0;
	return 1;
}

void
srv_client_key(unsigned char key[16], const unsigned char ip[16],
               unsigned int len4, unsigned int len6)
{
	memcpy(key, ip, 16);
	ip_mask(key, ip_is4(ip) ? 96 + (len4 > 32 ? 32 : len4)
	                        : (len6 > 128 ? 128 : len6));
}

size_t
srv_children_count(const srv_children *t, const unsigned char key[16])
{
	size_t i, n = 0;

	for (i = 0; i < t->max; i++)
		if (t->c[i].pid && memcmp(t->c[i].key, key, 16) == 0)
			n++;
	return n;
}

int
srv_children_add(srv_children *t, pid_t pid, const unsigned char key[16])
{
	size_t i;

	for (i = 0; i < t->max; i++)
		if (!t->c[i].pid) {
			t->c[i].pid = pid;
			memcpy(t->c[i].key, key, 16);
			t->n++;
			return 1;
		}
	return 0;
}

int
srv_children_del(srv_children *t, pid_t pid)
{
	size_t i;

	for (i = 0; i < t->max; i++)
		if (pid && t->c[i].pid == pid) {
			t->c[i].pid = 0;
			t->n--;
			return 1;
		}
	return 0;
}

int
srv_ident_parse(const char *line, size_t n, char *out, size_t *outlen)
{
	size_t i, len = 0;
	int colons = 0;

	for (i = 0; i < n && line[i] != '\n'; i++) {
		char c = line[i];
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (colons < 3) {
			if (c == ':')
				colons++;
			continue;
		}
		out[len++] = c;
		if (len > SRV_IDENT_MAX)
			break;
	}
	if (colons < 3)
		return 0;
	if (len <= SRV_IDENT_MAX)
		out[len] = 0;
	*outlen = len;
	return 1;
}

size_t
srv_safe(char *out, const char *s, int colon)
{
	size_t i;

	for (i = 0; s[i] && i < 100; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126 || c == '%' || (colon && c == ':'))
			c = '?';
		out[i] = (char)c;
	}
	if (i == 100) {   /* djb: exactly 100 bytes get the "..." too */
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = 0;
	return i;
}
