/* Fuzz target: authres.  The authserv-id parser stays inside its buffer;
   a field built from arbitrary property values and authserv-id is one
   header field of printable ASCII (plus the folding) whose authserv-id
   reads back as the one given. */
#include "authres.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1), id[AUTHRES_ID_MAX];
	char sid[64];
	authres_res r;
	sbuf out = SBUF_INIT(0);
	size_t i, k, part;
	int n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	n = authres_servid(s, size, id);
	if (n > 0 && ((size_t)n >= AUTHRES_ID_MAX || strlen(id) > (size_t)n))
		abort();
	(void)authres_is_ours(s, size, "example.com");

	memset(&r, 0, sizeof r);
	part = size / 8;
	authres_setval(sid, sizeof sid, s, part < sizeof sid ? part : 63, 0);
	r.dk.res = size & 1 ? "pass" : 0;
	r.dk.comment = "ok";
	authres_setval(r.dk.d, AUTHRES_VAL_MAX, s + part, part, 0);
	authres_setval(r.dk.from, AUTHRES_VAL_MAX, s + 2 * part, part, 0);
	r.ndkim = size % 3;
	for (k = 0; k < r.ndkim; k++) {
		r.dkim[k].res = "fail";
		r.dkim[k].comment = "bad (signature) \\";
		authres_setval(r.dkim[k].d, AUTHRES_VAL_MAX, s + 3 * part, part, 0);
		authres_setval(r.dkim[k].i, AUTHRES_VAL_MAX, s + 4 * part, part, 0);
		authres_setval(r.dkim[k].b, AUTHRES_B_MAX, s + (5 + k) * part,
		    part, 1);
	}
	if (!authres_build(sid, &r, "\r\n", &out))
		abort();
	for (i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.s[i];

		if (c == '\n' && (i + 1 == out.len || out.s[i + 1] == '\t'))
			continue;
		if (c == '\r' && i + 1 < out.len && out.s[i + 1] == '\n')
			continue;
		if (c == '\t' && i > 0 && out.s[i - 1] == '\n')
			continue;
		if (c < 32 || c > 126)
			abort();
	}
	if (sid[0] && !memchr(sid, 0, strlen(sid)) &&
	    !authres_is_ours(out.s, out.len - 2, sid)) {
		/* a value with bytes made '?' on output cannot match */
		for (i = 0; sid[i]; i++)
			if ((unsigned char)sid[i] < 32 || (unsigned char)sid[i] > 126)
				break;
		if (!sid[i])
			abort();
	}
	sbuf_free(&out);
	free(s);
	return 0;
}
