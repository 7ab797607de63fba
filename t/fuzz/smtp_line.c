/* Fuzz target: smtp_line_feed, smtp_verb_find, smtp_fake_reply.  The
   input is fed in chunks (sizes from its first byte); every line must
   get the reply that the unbounded line (split at LF, final CR dropped,
   NUL as LF) would get, and every reply is one CRLF line. */
#include "smtp.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const smtp_fake fake = {
	"rblsmtpd.local", "451 fuzz", smtp_verbs_rblsmtpd, 0
};

/* the reference: line starts at in[*pos]; returns 0 if no whole line */
static int
ref_line(const char *in, size_t n, size_t *pos, char *out, size_t *len)
{
	size_t i, k = 0;

	for (i = *pos; i < n; i++) {
		if (in[i] == '\n') {
			if (k > 0 && out[k - 1] == '\r')
				k--;
			*len = k;
			*pos = i + 1;
			return 1;
		}
		out[k++] = in[i] ? in[i] : '\n';
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	smtp_line l = SMTP_LINE_INIT;
	const char *in;
	char *ref, rep[SMTP_REPLY_MAX], rep2[SMTP_REPLY_MAX];
	size_t chunk, pos = 0, rpos = 0, reflen, n, k, r2;
	int quit, quit2;

	if (size < 1)
		return 0;
	chunk = (size_t)data[0] % 17 + 1;
	in = (const char *)data + 1;
	n = size - 1;
	ref = malloc(n + 1);
	if (!ref)
		return 0;
	while (pos < n) {
		size_t end = pos + chunk < n ? pos + chunk : n;

		while (pos < end) {
			size_t used = smtp_line_feed(&l, in + pos, end - pos);

			if (used == 0 || used > end - pos)
				abort();
			pos += used;
			if (!l.done)
				continue;
			if (l.len > SMTP_LINE_MAX || l.s[l.len] != 0 ||
			    memchr(l.s, 0, l.len))
				abort();
			if (!ref_line(in, n, &rpos, ref, &reflen) || rpos != pos)
				abort();
			k = smtp_fake_reply(&fake, l.s, l.len, rep, &quit);
			r2 = smtp_fake_reply(&fake, ref, reflen, rep2, &quit2);
			if (k < 2 || k > SMTP_REPLY_MAX || rep[k - 2] != '\r' ||
			    rep[k - 1] != '\n' || memchr(rep, '\n', k - 1) ||
			    k != r2 || memcmp(rep, rep2, k) || quit != quit2)
				abort();
			if (!l.cut && (l.len != reflen || memcmp(l.s, ref, reflen)))
				abort();
		}
	}
	if (ref_line(in, n, &rpos, ref, &reflen))
		abort();        /* the reference found a line we did not */
	free(ref);
	return 0;
}
