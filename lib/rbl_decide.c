/* rbl_decide: djb's rblsmtpd decision over results asked in parallel,
   and the reply line (see rbl.h). */
#include "rbl.h"

/*
 * djb evaluates the options left to right and looks each list up when
 * he meets it, until something decides.  The lookups are already done
 * here (all at once, one deadline), so walking the same options over
 * their results gives the same decision: a result after the deciding
 * option is never read.
 */
void
rbl_decide(const unsigned char *ops, size_t n, const rbl_result *res,
           int start, const char *starttext, rbl_decision *d)
{
	int decision = start, flag553 = 0, closed = 0, mustnotbounce = 0;
	const char *text = starttext;
	size_t i;

	d->consulted = 0;
	d->pending = 0;
	for (i = 0; i < n && decision == RBL_UNDECIDED; i++) {
		if ((ops[i] == RBL_OP_RBL || ops[i] == RBL_OP_ANTI) &&
		    res[i].status == RBL_PENDING) {
			d->pending = 1;
			return;
		}
		switch (ops[i]) {
		case RBL_OP_BLOCK553: flag553 = 1; break;
		case RBL_OP_BLOCK451: flag553 = 0; break;
		case RBL_OP_CLOSED: closed = 1; break;
		case RBL_OP_OPEN: closed = 0; break;
		case RBL_OP_RBL:
			if (res[i].status == RBL_TEMP) {
				mustnotbounce = 1;
				if (closed) {
					text = RBL_TEMPTEXT;
					decision = RBL_BLOCK451;
				}
			} else if (res[i].status == RBL_LISTED) {
				text = res[i].text;
				decision = flag553 ? RBL_BLOCK553 : RBL_BLOCK451;
			}
			break;
		case RBL_OP_ANTI:
			if (res[i].status == RBL_TEMP) {
				mustnotbounce = 1;
				if (!closed)
					decision = RBL_ACCEPT;
			} else if (res[i].status == RBL_LISTED)
				decision = RBL_ACCEPT;
			break;
		}
		d->consulted = i + 1;
	}
	d->accept = decision < RBL_BLOCK451;
	/* A client blocked after a lookup failed may be one that a working
	   lookup would have let in: never bounce it for good. */
	d->code = mustnotbounce || decision == RBL_BLOCK451 ? 451 : 553;
	d->text = d->accept ? 0 : (text ? text : "");
}

size_t
rbl_message(char out[RBL_MESSAGE_FMT], int code, const char *text, size_t n)
{
	size_t k = 0, i;

	if (code < 100 || code > 999)
		code = 451;
	out[k++] = (char)('0' + code / 100);
	out[k++] = (char)('0' + code / 10 % 10);
	out[k++] = (char)('0' + code % 10);
	out[k++] = ' ';
	if (n > RBL_TEXT_MAX)
		n = RBL_TEXT_MAX;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];

		out[k++] = (char)(c < 32 || c > 126 ? '?' : c);
	}
	out[k] = 0;
	return k;
}
