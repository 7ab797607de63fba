/* Fuzz target: rbl_answer_a and rbl_answer_txt on any message. */
#include "rbl.h"
#include "dns.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char spec[] = "bl.test=127.0.0.2-11,127.1.0.0-127.1.0.9";
	unsigned char *m = malloc(size ? size : 1);
	char text[RBL_TEXT_MAX + 1 + 8];
	unsigned char ip[1][16];
	rbl_list any, some;
	uint32_t code;
	size_t cnt = 0, i;
	int r, ra, rs;

	if (!m)
		return 0;
	memcpy(m, data, size);
	if (!rbl_spec_scan("bl.test", 7, 1, &any) ||
	    !rbl_spec_scan(spec, sizeof spec - 1, 1, &some))
		abort();

	ra = rbl_answer_a(m, size, &any, &code);
	if (ra < -1 || ra > RBL_A_ERROR)
		abort();
	if (ra == RBL_A_LISTED && ((code & RBL_LOOPMASK) != RBL_LOOPNET ||
	    (code & RBL_ERRMASK) == RBL_ERRNET))
		abort();
	if (ra == RBL_A_ERROR && (code & RBL_LOOPMASK) == RBL_LOOPNET &&
	    (code & RBL_ERRMASK) != RBL_ERRNET)
		abort();
	rs = rbl_answer_a(m, size, &some, &code);
	/* codes narrow the listing, never the errors or the form */
	if ((ra == -1) != (rs == -1) || (rs == RBL_A_LISTED && ra != RBL_A_LISTED))
		abort();
	if (rs == RBL_A_LISTED && !((code >= 0x7f000002 && code <= 0x7f00000b) ||
	    (code >= 0x7f010000 && code <= 0x7f010009)))
		abort();
	r = dns_addrs_packet(m, size, DNS_T_A, ip, 1, &cnt);
	if ((r < 0) != (ra < 0) || (r == 0 && ra != RBL_A_NONE))
		abort();

	memset(text, 'Z', sizeof text);
	r = rbl_answer_txt(m, size, text);
	if (r < -1 || r > RBL_TEXT_MAX)
		abort();
	if (r >= 0) {
		if (text[r] != 0)
			abort();
		for (i = 0; i < (size_t)r; i++)
			if (text[i] < 32 || text[i] > 126)
				abort();
	}
	free(m);
	return 0;
}
