/* msg_norm: line-end normalisation (spec C-1), chunk by chunk. */
#include "msg.h"

#include <string.h>

/*
 * State per input byte c:
 *   CR            -> write LF, lastcr = 1
 *   LF, lastcr    -> nothing (the CR already ended the line)
 *   LF            -> write LF
 *   other         -> write c
 * The style of the first line end is CRLF only for CR immediately followed
 * by LF; a lone CR or an LF gives LF style.
 */
size_t
msg_norm_chunk(msg_norm *st, const char *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = in[i];

		if (st->pending) {
			st->style = c == '\n' ? MSG_STYLE_CRLF : MSG_STYLE_LF;
			st->pending = 0;
		}
		if (c == '\r') {
			if (st->style == MSG_STYLE_NONE)
				st->pending = 1;
			out[o++] = '\n';
			st->lastcr = 1;
			continue;
		}
		if (c == '\n') {
			if (st->style == MSG_STYLE_NONE)
				st->style = MSG_STYLE_LF;
			if (st->lastcr) {
				st->lastcr = 0;
				continue;
			}
		}
		st->lastcr = 0;
		out[o++] = c;
	}
	if (o)
		st->lastout = (unsigned char)out[o - 1];
	return o;
}

size_t
msg_norm_end(msg_norm *st, char *out)
{
	if (st->pending) {
		st->style = MSG_STYLE_LF;
		st->pending = 0;
	}
	if (st->lastout == -1 || st->lastout == '\n')
		return 0;
	if (st->style == MSG_STYLE_NONE)
		st->style = MSG_STYLE_LF;
	out[0] = '\n';
	st->lastout = '\n';
	return 1;
}

int
msg_is_normal(const char *text, size_t n)
{
	if (n == 0)
		return 1;
	return text[n - 1] == '\n' && !memchr(text, '\r', n);
}
