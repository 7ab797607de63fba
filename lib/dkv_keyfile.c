/* dkv_keyfile: the DKVERIFY_KEYFILE test key file (spec C-6) and TXT
   answers from DNS. */
#include "dkv.h"

#include <string.h>
#include <strings.h>

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Joins the quoted strings of line[i..n) into txt.  1, or 0 if they do
   not parse. */
static int
strings(const char *l, size_t i, size_t n, sbuf *txt)
{
	int any = 0;

	for (;;) {
		while (i < n && blank(l[i]))
			i++;
		if (i >= n || l[i] == ';')
			return any;
		if (l[i] != '"')
			return 0;
		for (i++; i < n && l[i] != '"'; i++) {
			if (l[i] == '\\' && ++i >= n)
				return 0;
			if (!sbuf_catc(txt, l[i]))
				return 0;
		}
		if (i >= n)
			return 0;
		i++;
		any = 1;
	}
}

int
dkv_keyfile_find(const char *file, size_t n, const char *name, sbuf *txt)
{
	size_t pos = 0, nl = strlen(name);
	int found = DKV_KEY_NONE;

	while (pos < n) {
		const char *end = memchr(file + pos, '\n', n - pos);
		size_t e = end ? (size_t)(end - file) : n, i = pos, a, ol;
		const char *l = file;

		pos = e + 1;
		while (i < e && blank(l[i]))
			i++;
		a = i;
		while (i < e && !blank(l[i]) && l[i] != ';')
			i++;
		ol = i - a;
		if (ol == 0 || ol != nl || strncasecmp(l + a, name, nl) != 0)
			continue;
		while (i < e && blank(l[i]))
			i++;
		a = i;
		while (i < e && !blank(l[i]) && l[i] != ';')
			i++;
		if (i - a == 3 && strncasecmp(l + a, "TXT", 3) == 0) {
			if (found == DKV_KEY_FOUND) {
				found = DKV_KEY_MULTI;
				continue;
			}
			if (found != DKV_KEY_NONE)
				continue;
			sbuf_reset(txt);
			if (strings(l, i, e, txt))
				found = DKV_KEY_FOUND;
			else
				sbuf_reset(txt);
		} else if (i - a == 8 && strncasecmp(l + a, "TEMPFAIL", 8) == 0) {
			if (found == DKV_KEY_NONE)
				return DKV_KEY_TEMP;
		} else if (i - a == 8 && strncasecmp(l + a, "NXDOMAIN", 8) == 0) {
			if (found == DKV_KEY_NONE)
				return DKV_KEY_NONE;
		}
	}
	return found;
}

int
dkv_name_ok(const char *s, size_t n)
{
	size_t i, lab = 0;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
		if (++lab > 63)
			return 0;
	}
	return lab > 0;
}

/* Skips a (possibly compressed) name at *pos. */
static int
skipname(const unsigned char *m, size_t n, size_t *pos)
{
	size_t p = *pos;

	for (;;) {
		if (p >= n)
			return 0;
		if ((m[p] & 0xc0) == 0xc0) {
			if (p + 2 > n)
				return 0;
			*pos = p + 2;
			return 1;
		}
		if (m[p] & 0xc0)
			return 0;
		if (m[p] == 0) {
			*pos = p + 1;
			return 1;
		}
		p += 1 + m[p];
	}
}

int
dkv_txt_packet(const unsigned char *m, size_t n, sbuf *txt)
{
	size_t pos = 12, qd, an, i;
	int count = 0;

	if (n < 12)
		return -1;
	qd = (size_t)m[4] << 8 | m[5];
	an = (size_t)m[6] << 8 | m[7];
	for (i = 0; i < qd; i++) {
		if (!skipname(m, n, &pos) || pos + 4 > n)
			return -1;
		pos += 4;
	}
	for (i = 0; i < an; i++) {
		size_t type, rdlen, end;

		if (!skipname(m, n, &pos) || pos + 10 > n)
			return -1;
		type = (size_t)m[pos] << 8 | m[pos + 1];
		rdlen = (size_t)m[pos + 8] << 8 | m[pos + 9];
		pos += 10;
		if (pos + rdlen > n)
			return -1;
		end = pos + rdlen;
		if (type == 16 && m[pos - 8] == 0 && m[pos - 7] == 1) {
			if (count++ == 0) {
				size_t p = pos;

				sbuf_reset(txt);
				while (p < end) {
					size_t l = m[p++];

					if (p + l > end)
						return -1;
					if (!sbuf_catb(txt, (const char *)m + p, l))
						return -1;
					p += l;
				}
			}
		}
		pos = end;
	}
	return count;
}
