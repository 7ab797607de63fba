#ifndef SIXGATE_DKIM_H
#define SIXGATE_DKIM_H
/*
 * dkim: glue to libopendkim (Debian libopendkim 2.11), which does all DKIM
 * canonicalisation, hashing and signing; this module only sets it up and
 * feeds it.  One dkim_ctx (one libopendkim library handle) per process;
 * one dkim_job per signature (and, for dkverify, per verification).
 * The feeding calls are the same for every kind of job:
 *     dkim_feed(jobs, n, text, len, fields, nf, body, &bad)
 * or, by hand, dkim_job_header() per field, dkim_job_eoh(),
 * dkim_job_body() per CRLF chunk, dkim_job_eom().
 * libopendkim's own header (<opendkim/dkim.h>) is used only inside
 * lib/dkim*.c; its names all start with dkim_ too, so ours avoid theirs.
 */
#include <stddef.h>
#include "msg.h"
#include "sbuf.h"

/* Algorithms and canonicalisations (values are ours, not libopendkim's). */
enum { DKIM_A_RSA_SHA256 = 0, DKIM_A_RSA_SHA1, DKIM_A_ED25519_SHA256 };
enum { DKIM_C_SIMPLE = 0, DKIM_C_RELAXED };

#define DKIM_FIELDLIST_MAX 4096  /* bytes of a -h / -o field list */
#define DKIM_FIELDS_MAX 128      /* names in such a list */
#define DKIM_CHUNK 65536         /* body bytes per libopendkim call */

typedef struct dkim_opts {
	const char *signhdrs;    /* "From:To:..." (colons), NULL = spec S-7 */
	const char *oversign;    /* the same, NULL = S-7 list, "" = none */
	unsigned long ttl;       /* x= is t= + ttl; 0 = no x= */
	int fixedtime;           /* 1: t= is .now instead of the clock */
	unsigned long long now;
	int bodylen;             /* 1: l= with the whole body length */
	int ztags;               /* 1: z= copy of the signed fields */
} dkim_opts;

typedef struct dkim_ctx dkim_ctx;
typedef struct dkim_job dkim_job;

/* The default signed and oversigned field lists of spec S-7. */
extern const char dkim_signhdrs_default[];
extern const char dkim_oversign_default[];

/* Checks a colon-separated field name list (names of printable ASCII
   without ':', at most DKIM_FIELDS_MAX).  Returns 1 if usable. */
int dkim_fieldlist_ok(const char *list);

/* Sets up libopendkim.  Returns NULL on failure with *err set. */
dkim_ctx *dkim_ctx_new(const dkim_opts *o, const char **err);
void dkim_ctx_free(dkim_ctx *c);

typedef struct dkim_signreq {
	const char *key;         /* key text (struct key .text) */
	const char *selector;
	const char *domain;
	const char *identity;    /* i=, or NULL */
	int alg;                 /* DKIM_A_* */
	int hcanon, bcanon;      /* DKIM_C_* */
	void *pkey;              /* EVP_PKEY * of key, or NULL (see below) */
} dkim_signreq;

/* Key reuse (lib/dkim_keycache.c): with .pkey set, dkim_job_sign()
   registers the pair, and libopendkim then gets that parsed key back
   instead of decoding .key again for every message. */
int dkim_key_register(const char *text, void *pkey);
void dkim_key_forget(void);   /* drops every registered key */

/* A signing job.  Returns NULL with *err set. */
dkim_job *dkim_job_sign(dkim_ctx *c, const dkim_signreq *r, const char **err);
/* Adds q=dns/txt to the signature (optional in RFC 6376). */
int dkim_job_queryq(dkim_job *j);
/* One header field as it appears in LF text (folded with LF). */
int dkim_job_header(dkim_job *j, const char *field, size_t len);
int dkim_job_eoh(dkim_job *j);
/* A piece of the body with CRLF line ends, any size. */
int dkim_job_body(dkim_job *j, const char *crlf, size_t n);
int dkim_job_eom(dkim_job *j);
/* Appends "DKIM-Signature: ...\n", folded with LF + TAB. */
int dkim_job_sigfield(dkim_job *j, sbuf *out);
/* What went wrong in the last failing call. */
const char *dkim_job_error(dkim_job *j);
void dkim_job_free(dkim_job *j);

/* Feeds the LF text (fields f[0..nf), body from offset body) to every
   job, converting to CRLF once for all.  Returns 1, or 0 with *bad set
   to the index of the job that failed. */
int dkim_feed(dkim_job **jobs, size_t nj, const char *text, size_t len,
              const msg_field *f, size_t nf, size_t body, size_t *bad);

#endif
