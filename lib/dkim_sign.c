/* dkim_sign: the libopendkim library handle and signing jobs (spec S-6,
   S-7); libopendkim canonicalises and signs, we only configure it. */
#include "dkim.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opendkim/dkim.h>

struct dkim_ctx {
	DKIM_LIB *lib;
	unsigned long serial;                   /* message ids for libopendkim */
	char signbuf[DKIM_FIELDLIST_MAX];
	const char *sign[DKIM_FIELDS_MAX + 1];
	char overbuf[DKIM_FIELDLIST_MAX];
	const char *over[DKIM_FIELDS_MAX + 1];
};

struct dkim_job {
	DKIM *d;
	DKIM_STAT st;                           /* of the last call */
	sbuf scratch;                           /* a field with CRLF */
};

const char dkim_signhdrs_default[] =
    "From:Sender:Reply-To:Subject:Date:Message-ID:To:Cc:MIME-Version:"
    "Content-Type:Content-Transfer-Encoding:Content-ID:Content-Description:"
    "Resent-Date:Resent-From:Resent-Sender:Resent-To:Resent-Cc:"
    "Resent-Message-ID:In-Reply-To:References:List-Id:List-Help:"
    "List-Unsubscribe:List-Unsubscribe-Post:List-Subscribe:List-Post:"
    "List-Owner:List-Archive";
const char dkim_oversign_default[] =
    "From:Subject:Date:To:Cc:Reply-To:Message-ID";

/* Splits a colon list into buf (a copy) and names[] (NULL-terminated,
   blanks trimmed, empty names dropped).  Returns the count or -1. */
static int
split_list(const char *list, char *buf, const char **names)
{
	size_t len = strlen(list), i = 0;
	int k = 0;

	if (len >= DKIM_FIELDLIST_MAX)
		return -1;
	memcpy(buf, list, len + 1);
	while (i <= len) {
		size_t a = i, e;

		while (i < len && buf[i] != ':')
			i++;
		e = i;
		buf[i++] = 0;
		while (a < e && (buf[a] == ' ' || buf[a] == '\t'))
			a++;
		while (e > a && (buf[e - 1] == ' ' || buf[e - 1] == '\t'))
			buf[--e] = 0;
		if (a == e)
			continue;
		for (size_t j = a; j < e; j++)
			if (buf[j] <= 32 || buf[j] >= 127)
				return -1;
		if (k == DKIM_FIELDS_MAX)
			return -1;
		names[k++] = buf + a;
	}
	names[k] = 0;
	return k;
}

int
dkim_fieldlist_ok(const char *list)
{
	char buf[DKIM_FIELDLIST_MAX];
	const char *names[DKIM_FIELDS_MAX + 1];

	return split_list(list, buf, names) >= 0;
}

static int
setopt(DKIM_LIB *lib, int opt, void *p, size_t len)
{
	return dkim_options(lib, DKIM_OP_SETOPT, opt, p, len) == DKIM_STAT_OK;
}

dkim_ctx *
dkim_ctx_new(const dkim_opts *o, const char **err)
{
	dkim_ctx *c = calloc(1, sizeof *c);
	const char *sh = o->signhdrs ? o->signhdrs : dkim_signhdrs_default;
	const char *os = o->oversign ? o->oversign : dkim_oversign_default;
	unsigned int flags = 0;
	uint64_t u;

	*err = "out of memory";
	if (!c)
		return 0;
	c->lib = dkim_init(0, 0);
	if (!c->lib) {
		free(c);
		return 0;
	}
	*err = "invalid header field list";
	if (split_list(sh, c->signbuf, c->sign) <= 0 ||
	    split_list(os, c->overbuf, c->over) < 0)
		goto fail;
	*err = "libopendkim refused an option";
	if (!setopt(c->lib, DKIM_OPTS_SIGNHDRS, c->sign, sizeof(char **)))
		goto fail;
	if (c->over[0] &&
	    !setopt(c->lib, DKIM_OPTS_OVERSIGNHDRS, c->over, sizeof(char **)))
		goto fail;
	if (o->ttl) {
		u = o->ttl;
		if (!setopt(c->lib, DKIM_OPTS_SIGNATURETTL, &u, sizeof u))
			goto fail;
	}
	if (o->fixedtime) {
		u = o->now;
		if (!setopt(c->lib, DKIM_OPTS_FIXEDTIME, &u, sizeof u))
			goto fail;
	}
	if (dkim_options(c->lib, DKIM_OP_GETOPT, DKIM_OPTS_FLAGS, &flags,
	    sizeof flags) != DKIM_STAT_OK)
		goto fail;
	if (o->bodylen)
		flags |= DKIM_LIBFLAGS_SIGNLEN;
	if (o->ztags)
		flags |= DKIM_LIBFLAGS_ZTAGS;
	if (!setopt(c->lib, DKIM_OPTS_FLAGS, &flags, sizeof flags))
		goto fail;
	*err = 0;
	return c;
fail:
	dkim_ctx_free(c);
	return 0;
}

void
dkim_ctx_free(dkim_ctx *c)
{
	if (!c)
		return;
	if (c->lib)
		dkim_close(c->lib);
	free(c);
}

dkim_job *
dkim_job_sign(dkim_ctx *c, const dkim_signreq *r, const char **err)
{
	static const dkim_alg_t algs[] = { DKIM_SIGN_RSASHA256,
	    DKIM_SIGN_RSASHA1, DKIM_SIGN_ED25519SHA256 };
	dkim_job *j = calloc(1, sizeof *j);
	char id[32];

	*err = "out of memory";
	if (!j)
		return 0;
	if (r->pkey)
		dkim_key_register(r->key, r->pkey);  /* a speed-up, not needed */
	j->scratch.max = SBUF_MAX_DEFAULT;
	snprintf(id, sizeof id, "sixgate-%lu", ++c->serial);
	j->d = dkim_sign(c->lib, (const unsigned char *)id, 0,
	    (unsigned char *)(uintptr_t)r->key, (const unsigned char *)r->selector,
	    (const unsigned char *)r->domain,
	    r->hcanon == DKIM_C_RELAXED ? DKIM_CANON_RELAXED : DKIM_CANON_SIMPLE,
	    r->bcanon == DKIM_C_RELAXED ? DKIM_CANON_RELAXED : DKIM_CANON_SIMPLE,
	    algs[r->alg], -1, &j->st);
	if (!j->d) {
		*err = dkim_getresultstr(j->st);
		free(j);
		return 0;
	}
	/* libopendkim folds the field it hashes (b= still empty) and the
	   field it returns (b= filled) differently when b= does not fit on
	   the line: harmless for relaxed header canonicalisation, a broken
	   signature for simple.  So simple gets no folding at all. */
	if (r->hcanon == DKIM_C_SIMPLE && dkim_set_margin(j->d, 0) !=
	    DKIM_STAT_OK) {
		*err = "cannot set the margin";
		dkim_job_free(j);
		return 0;
	}
	if (r->identity && dkim_set_signer(j->d,
	    (const unsigned char *)r->identity) != DKIM_STAT_OK) {
		*err = "identity refused";
		dkim_job_free(j);
		return 0;
	}
	*err = 0;
	return j;
}

int
dkim_job_sigfield(dkim_job *j, sbuf *out)
{
	unsigned char *buf;
	size_t len, i;

	j->st = dkim_getsighdr_d(j->d, strlen(DKIM_SIGNHEADER) + 2, &buf,
	    &len);
	if (j->st != DKIM_STAT_OK)
		return 0;
	if (!sbuf_cats(out, DKIM_SIGNHEADER ": "))
		return 0;
	for (i = 0; i < len; i++) {
		if (buf[i] == '\r' && i + 1 < len && buf[i + 1] == '\n')
			continue;
		if (!sbuf_catc(out, (char)buf[i]))
			return 0;
	}
	return sbuf_catc(out, '\n');
}

int
dkim_job_queryq(dkim_job *j)
{
	j->st = dkim_add_querymethod(j->d, "dns", "txt");
	return j->st == DKIM_STAT_OK;
}

int
dkim_job_header(dkim_job *j, const char *field, size_t len)
{
	size_t i, a = 0;

	sbuf_reset(&j->scratch);
	for (i = 0; i < len; i++)
		if (field[i] == '\n') {
			if (!sbuf_catb(&j->scratch, field + a, i - a) ||
			    !sbuf_catb(&j->scratch, "\r\n", 2))
				goto nomem;
			a = i + 1;
		}
	if (!sbuf_catb(&j->scratch, field + a, len - a))
		goto nomem;
	j->st = dkim_header(j->d, (unsigned char *)j->scratch.s,
	    j->scratch.len);
	return j->st == DKIM_STAT_OK;
nomem:
	j->st = DKIM_STAT_NORESOURCE;
	return 0;
}

int
dkim_job_eoh(dkim_job *j)
{
	j->st = dkim_eoh(j->d);
	return j->st == DKIM_STAT_OK;
}

int
dkim_job_body(dkim_job *j, const char *crlf, size_t n)
{
	j->st = dkim_body(j->d, (unsigned char *)crlf, n);
	return j->st == DKIM_STAT_OK;
}

int
dkim_job_eom(dkim_job *j)
{
	j->st = dkim_eom(j->d, 0);
	return j->st == DKIM_STAT_OK;
}

const char *
dkim_job_error(dkim_job *j)
{
	const char *e = dkim_geterror(j->d);

	return e && *e ? e : dkim_getresultstr(j->st);
}

void
dkim_job_free(dkim_job *j)
{
	if (!j)
		return;
	if (j->d)
		dkim_free(j->d);
	sbuf_free(&j->scratch);
	free(j);
}

/*
 * libopendkim 2.11.0~beta2 (Debian 12) loses 64 bytes per Ed25519
 * signature: dkim_privkey_load() allocates them and dkim_free() does not
 * release them (RSA signatures lose nothing).  LeakSanitizer builds are
 * told about exactly that allocation site and nothing else.
 */
#if defined(__SANITIZE_ADDRESS__)
#define DKIM_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DKIM_LSAN 1
#endif
#endif
#ifdef DKIM_LSAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_options(void);

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0";   /* stderr stays the program's */
}

const char *
__lsan_default_suppressions(void)
{
	return "leak:dkim_privkey_load\n";
}
#endif
