/* dkim_feed: one pass over an LF text for any number of jobs. */
#include "dkim.h"

#include <stdlib.h>
#include <string.h>

/* Converts text[*pos..end) to CRLF into out (DKIM_CHUNK bytes) as far as
   it fits; returns the bytes written. */
static size_t
to_crlf(const char *text, size_t *pos, size_t end, char *out)
{
	size_t o = 0, i = *pos;

	while (i < end && o + 2 <= DKIM_CHUNK) {
		const char *nl = memchr(text + i, '\n', end - i);
		size_t stop = nl ? (size_t)(nl - text) : end;
		size_t room = DKIM_CHUNK - o - 2, m = stop - i;

		if (m > room) {
			memcpy(out + o, text + i, room);
			o += room;
			i += room;
			break;
		}
		memcpy(out + o, text + i, m);
		o += m;
		i += m;
		if (nl) {
			out[o++] = '\r';
			out[o++] = '\n';
			i++;
		}
	}
	*pos = i;
	return o;
}

int
dkim_feed(dkim_job **jobs, size_t nj, const char *text, size_t len,
          const msg_field *f, size_t nf, size_t body, size_t *bad)
{
	size_t i, k, pos = body;
	char *buf;

	for (k = 0; k < nj; k++) {
		*bad = k;
		for (i = 0; i < nf; i++)
			if (!dkim_job_header(jobs[k], text + f[i].off, f[i].len))
				return 0;
		if (!dkim_job_eoh(jobs[k]))
			return 0;
	}
	buf = malloc(DKIM_CHUNK);
	if (!buf)
		return 0;
	while (pos < len) {
		size_t n = to_crlf(text, &pos, len, buf);

		for (k = 0; k < nj; k++)
			if (!dkim_job_body(jobs[k], buf, n)) {
				*bad = k;
				free(buf);
				return 0;
			}
	}
	free(buf);
	for (k = 0; k < nj; k++) {
		*bad = k;
		if (!dkim_job_eom(jobs[k]))
			return 0;
	}
	return 1;
}
