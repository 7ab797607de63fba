/* unit tests of lib/relay's pure parsers */
#include "relay.h"
#include "tap.h"

#include <stdlib.h>

static void
verbs(void)
{
	size_t a;

	is_int(relay_verb("MAIL FROM:<a@b>\r\n", 17, &a), RELAY_V_MAIL, "MAIL");
	is_int((int)a, 5, "argument after the space");
	is_int(relay_verb("rcpt to:<x>", 11, NULL), RELAY_V_RCPT, "rcpt, no line end");
	is_int(relay_verb("DaTa\r\n", 6, &a), RELAY_V_DATA, "DaTa: any case");
	is_int((int)a, 4, "no argument: offset of the line end");
	is_int(relay_verb("DATA\n", 5, NULL), RELAY_V_DATA, "DATA with a bare LF");
	is_int(relay_verb("DATAX\r\n", 7, NULL), RELAY_V_OTHER, "DATAX is not DATA");
	is_int(relay_verb("DAT\r\n", 5, NULL), RELAY_V_OTHER, "DAT is not DATA");
	is_int(relay_verb("DATA \r\n", 7, NULL), RELAY_V_DATA, "DATA + space");
	is_int(relay_verb(" DATA\r\n", 7, NULL), RELAY_V_OTHER, "leading space: empty verb");
	is_int(relay_verb("DA\0TA\r\n", 7, NULL), RELAY_V_OTHER, "NUL inside the verb");
	is_int(relay_verb("DATA\r\r\n", 7, NULL), RELAY_V_OTHER, "DATA CR CR LF: the CR is part of the verb");
	is_int(relay_verb("", 0, &a), RELAY_V_OTHER, "empty line");
	is_int((int)a, 0, "empty line: argument offset 0");
	is_int(relay_verb("\r\n", 2, NULL), RELAY_V_OTHER, "CR LF only");
	is_int(relay_verb("ehlo x\r\n", 8, NULL), RELAY_V_EHLO, "ehlo");
	is_int(relay_verb("HELO x\r\n", 8, NULL), RELAY_V_HELO, "HELO");
	is_int(relay_verb("RSET\r\n", 6, NULL), RELAY_V_RSET, "RSET");
	is_int(relay_verb("AUTH PLAIN x\r\n", 14, NULL), RELAY_V_AUTH, "AUTH");
	is_int(relay_verb("quit\r\n", 6, NULL), RELAY_V_QUIT, "quit");
	is_int(relay_verb("BDAT 10 LAST\r\n", 14, NULL), RELAY_V_BDAT, "BDAT");
	is_int(relay_verb("StartTLS\r\n", 10, NULL), RELAY_V_STARTTLS, "StartTLS");
}

static void
replies(void)
{
	int more;

	is_int(relay_reply_line("250-PIPELINING\r\n", 16, &more), 250, "250-");
	is_int(more, 1, "'-' is a continuation");
	is_int(relay_reply_line("250 ok\r\n", 8, &more), 250, "250 ok");
	is_int(more, 0, "' ' is final");
	is_int(relay_reply_line("354\r\n", 5, &more), 354, "code alone");
	is_int(more, 0, "code alone is final");
	is_int(relay_reply_line("451-", 4, &more), 451, "451- without line end");
	is_int(more, 1, "451- continues");
	is_int(relay_reply_line("25\r\n", 4, &more), -1, "two digits: -1");
	is_int(more, 0, "short line is final");
	is_int(relay_reply_line("2x0 ok\r\n", 8, &more), -1, "non-digit: -1");
	is_int(relay_reply_line("abc-def\n", 8, &more), -1, "letters: -1");
	is_int(more, 1, "... but '-' still continues");
	is_int(relay_reply_line("", 0, &more), -1, "empty: -1");
	is_int(relay_reply_line("999x\r\n", 6, &more), 999, "odd separator: code");
	is_int(more, 0, "odd separator: final");
}

static void
ehlo(const char *in, const char *want, const char *name)
{
	char out[1024];
	size_t n = relay_ehlo_filter(in, strlen(in), out);

	out[n] = 0;
	is_str(out, want, "%s", name);
}

static void
ehlos(void)
{
	ehlo("250-a\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
	    "250-a\r\n250-PIPELINING\r\n250 8BITMIME\r\n", "nothing to remove");
	ehlo("250-a\r\n250-STARTTLS\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
	    "250-a\r\n250-PIPELINING\r\n250 8BITMIME\r\n", "STARTTLS in the middle");
	ehlo("250-a\r\n250-PIPELINING\r\n250 STARTTLS\r\n",
	    "250-a\r\n250 PIPELINING\r\n", "STARTTLS last: the new last line gets ' '");
	ehlo("250-a\r\n250-chunking\r\n250-BinaryMime\r\n250 StartTls\r\n",
	    "250 a\r\n", "all three, any case: only the greeting line, final");
	ehlo("250-STARTTLS\r\n250 CHUNKING\r\n",
	    "250 STARTTLS\r\n",
	    "the first line is the domain, never removed");
	ehlo("250-a\n250-STARTTLSX\n250-CHUNKING x\n250 SIZE 10\n",
	    "250-a\n250-STARTTLSX\n250 SIZE 10\n", "LF ends; STARTTLSX kept; keyword + parameter removed");
	ehlo("250 a\r\n", "250 a\r\n", "one line");
	ehlo("", "", "empty");
	ehlo("250-a\r\n250\r\n250-STARTTLS\r\n",
	    "250 a\r\n250\r\n", "a line without separator keeps its form");
	ehlo("250-a\r\n250-STARTTLS", "250 a\r\n", "last line without line end removed");
	{
		char buf[] = "250-a\r\n250-STARTTLS\r\n250-SIZE 1\r\n250 CHUNKING\r\n";
		size_t n = relay_ehlo_filter(buf, strlen(buf), buf);

		buf[n] = 0;
		is_str(buf, "250-a\r\n250 SIZE 1\r\n", "filtering in place");
	}
}

/* unstuff in[0..n) fed in pieces of size step; returns the output and
   *done / *used */
static char *
unstuff(const char *in, size_t n, size_t step, int *done, size_t *used)
{
	relay_data d = RELAY_DATA_INIT;
	char *out = malloc(n + 2), *tmp = malloc(step + 1);
	size_t o = 0, pos = 0;

	while (pos < n && !d.done) {
		size_t k = n - pos < step ? n - pos : step, outn;
		size_t u = relay_data_feed(&d, in + pos, k, tmp, &outn);

		memcpy(out + o, tmp, outn);
		o += outn;
		pos += u;
	}
	out[o] = 0;
	*done = d.done;
	*used = pos;
	free(tmp);
	return out;
}

static void
data_case(const char *in, size_t n, const char *want, int wdone, size_t wused,
          const char *name)
{
	size_t step;

	for (step = 1; step <= n + 1; step++) {
		int done;
		size_t used;
		char *got = unstuff(in, n, step, &done, &used);

		if (step == 1 || step == 3 || step == n + 1) {
			is_str(got, want, "%s (pieces of %zu)", name, step);
			is_int(done, wdone, "%s: done (pieces of %zu)", name, step);
			is_int((int)used, (int)wused, "%s: consumed (pieces of %zu)", name, step);
		} else if (strcmp(got, want) || done != wdone || used != wused)
			ok(0, "%s: pieces of %zu differ", name, step);
		free(got);
	}
}

#define D(in, want, done, used, name) \
	data_case(in, sizeof in - 1, want, done, used, name)

static void
datas(void)
{
	D("a\r\n.\r\nQUIT\r\n", "a\r\n", 1, 6, "CRLF . CRLF ends, the next command stays");
	D(".\r\n", "", 1, 3, "empty message");
	D("a\n.\nX", "a\n", 1, 4, "LF . LF ends too");
	D("a\r\n..b\r\n.\r\n", "a\r\n.b\r\n", 1, 11, "dot-stuffing undone");
	D(".b\r\n.\r\n", "b\r\n", 1, 7, "an unstuffed leading dot is dropped (as the server would)");
	D("a\r\n.\rb\r\n.\r\n", "a\r\n\rb\r\n", 1, 11, "dot CR other: dot dropped, CR kept");
	D("a\r\n.\r\r\n.\r\n", "a\r\n\r\r\n", 1, 10, "dot CR CR LF");
	D("a\rb\r.\r\n", "a\rb\r.\r\n", 0, 7, "bare CR is no line end");
	D("a\r\n.", "a\r\n", 0, 4, "EOF after the dot: not done");
	D("x\0y\r\n.\r\n", "x", 1, 8, "NUL passes (the string stops at it)");
	D("a\r\n..\r\n.\r\n", "a\r\n.\r\n", 1, 10, "a line of one dot, stuffed");
}

static void
stuff_roundtrip(const char *msg, const char *name)
{
	size_t n = strlen(msg);
	char *st = malloc(2 * n + 4), *got;
	int sol = 1, done;
	size_t o = relay_stuff(&sol, msg, n, st), used;

	memcpy(st + o, ".\r\n", 3);
	got = unstuff(st, o + 3, 7, &done, &used);
	is_str(got, msg, "round trip: %s", name);
	ok(done && used == o + 3, "round trip ends at the dot: %s", name);
	free(got);
	free(st);
}

static void
stuffs(void)
{
	char out[64];
	int sol = 1;
	size_t n = relay_stuff(&sol, ".a\r\n.\r\nb.\n..\n", 13, out);

	out[n] = 0;
	is_str(out, "..a\r\n..\r\nb.\n...\n", "stuffing doubles dots at line starts");
	is_int(sol, 1, "ends at a line start");
	sol = 1;
	n = relay_stuff(&sol, ".", 1, out);
	n += relay_stuff(&sol, "x\n", 2, out + n);
	n += relay_stuff(&sol, ".", 1, out + n);
	out[n] = 0;
	is_str(out, "..x\n..", "state carried across calls");
	stuff_roundtrip("", "empty");
	stuff_roundtrip("Subject: x\r\n\r\n.\r\n..\r\n.a\r\n", "dots");
	stuff_roundtrip("a\n.\n\r.\r\n", "LF and CR");
}

int
main(void)
{
	verbs();
	replies();
	ehlos();
	datas();
	stuffs();
	return tap_done();
}
