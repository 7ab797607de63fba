/* msg_header: message checks and header field splitting (spec C-2). */
#include "msg.h"

#include <string.h>

const char *
msg_errstr(int err)
{
	switch (err) {
	case MSG_OK: return "no error";
	case MSG_EMPTY: return "empty message";
	case MSG_NUL: return "message contains a NUL byte";
	case MSG_LONGLINE: return "line longer than 998 octets";
	case MSG_NOCOLON: return "header line without colon";
	case MSG_CONTFIRST: return "message starts with a continuation line";
	case MSG_TOOMANY: return "too many header fields";
	}
	return "unknown message error";
}

int
msg_check(const char *text, size_t n)
{
	size_t pos = 0;

	if (n == 0)
		return MSG_EMPTY;
	if (memchr(text, 0, n))
		return MSG_NUL;
	while (pos < n) {
		const char *nl = memchr(text + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - text) : n;

		if (end - pos > MSG_LINE_MAX)
			return MSG_LONGLINE;
		pos = end + 1;
	}
	return MSG_OK;
}

/*
 * Header lines, one at a time (line = bytes up to LF or end of text):
 *   empty line               -> end of header, body starts after it
 *   starts with SP or HTAB   -> continuation of the current field
 *                               (error MSG_CONTFIRST if there is none)
 *   contains ':'             -> a new field, name = bytes before ':'
 *                               without trailing SP/HTAB
 *   otherwise                -> MSG_NOCOLON
 * A field name may not be empty.
 */
int
msg_header_parse(const char *text, size_t n, msg_field *f, size_t max,
                 size_t *nf, size_t *body)
{
	size_t pos = 0, k = 0;
	int err = MSG_OK;

	while (pos < n) {
		const char *nl = memchr(text + pos, '\n', n - pos);
		size_t end = nl ? (size_t)(nl - text) : n;
		const char *colon;

		if (end == pos) {          /* empty line */
			pos = end + 1;
			break;
		}
		if (text[pos] == ' ' || text[pos] == '\t') {
			if (k == 0) {
				err = MSG_CONTFIRST;
				break;
			}
			f[k - 1].len = end - f[k - 1].off;
			pos = end < n ? end + 1 : n;
			continue;
		}
		colon = memchr(text + pos, ':', end - pos);
		if (!colon || colon == text + pos) {
			err = MSG_NOCOLON;
			break;
		}
		if (k == max) {
			err = MSG_TOOMANY;
			break;
		}
		f[k].off = pos;
		f[k].len = end - pos;
		f[k].namelen = (size_t)(colon - (text + pos));
		while (f[k].namelen > 0 && (text[pos + f[k].namelen - 1] == ' ' ||
		    text[pos + f[k].namelen - 1] == '\t'))
			f[k].namelen--;
		if (f[k].namelen == 0) {
			err = MSG_NOCOLON;
			break;
		}
		k++;
		pos = end < n ? end + 1 : n;
	}
	*nf = k;
	*body = pos > n ? n : pos;
	return err;
}

int
msg_field_is(const char *text, const msg_field *f, const char *name)
{
	size_t i, len = strlen(name);

	if (f->namelen != len)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char a = (unsigned char)text[f->off + i];
		unsigned char b = (unsigned char)name[i];

		if (a >= 'A' && a <= 'Z')
			a += 32;
		if (b >= 'A' && b <= 'Z')
			b += 32;
		if (a != b)
			return 0;
	}
	return 1;
}
