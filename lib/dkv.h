#ifndef DKV_H
#define DKV_H
/*
 * dkv: dkverify's verifier (spec dkim.md 2.3, 3, C-1..C-6, V-3..V-9).
 *
 *   dkv_letters_parse  $DKVERIFY -> what each result letter does (V-3)
 *   dkv_tags_parse     RFC 6376 3.2 tag lists (DKIM-Signature,
 *                      DomainKey-Signature, DomainKeys key records)
 *   dkv_keyfile_find   the $DKVERIFY_KEYFILE test key file (C-6)
 *   dkv_txt_packet     the TXT strings of a DNS answer
 *   dkv_*              the streaming verifier: dkv_begin, dkv_chunk (raw
 *                      message bytes, any line ends), dkv_end (letters,
 *                      A-R results, our own spoofed A-R fields)
 *
 * Letters: DomainKeys A-K as libdomainkeys' DK_STAT (A ok, B bad
 * signature, C no signature, D no key, E bad key, F cannot verify,
 * G syntax, H no resources, I bad arguments, J revoked, K internal) plus
 * L (g= granularity mismatch); DKIM A-R as the seed's Alt-N libdkim codes
 * plus S (From not signed); mapping from libopendkim in lib/dkv_dkim.c.
 * The parsers are pure functions (no I/O).
 */
#include <stddef.h>
#include "authres.h"
#include "sbuf.h"

/* --- DKVERIFY letters ------------------------------------------------ */
enum { DKV_ACCEPT = 0, DKV_REJECT = 1, DKV_DEFER = 2 };
#define DKV_DK_LAST 'L'          /* DomainKeys letters A..L */
#define DKV_DKIM_LAST 'S'        /* DKIM letters A..S */

typedef struct dkv_policy {
	unsigned char dk[26];        /* DKV_ACCEPT, DKV_REJECT, DKV_DEFER */
	unsigned char dkim[26];
} dkv_policy;

/* "<dk letters>[,<dkim letters>]": upper case rejects, lower case defers,
   upper wins over lower, other bytes are ignored.  Never fails. */
void dkv_letters_parse(const char *s, size_t n, dkv_policy *p);
/* The action for a message with DK letter dk and DKIM letter dkim (V-8);
   *bydk = 1 when the DomainKeys letter decided a reject or defer. */
int dkv_decide(const dkv_policy *p, char dk, char dkim, int *bydk);

/* --- tag lists --------------------------------------------------------- */
#define DKV_TAGS_MAX 64
enum { DKV_TAGS_OK = 0, DKV_TAGS_SYNTAX, DKV_TAGS_DUP, DKV_TAGS_TOOMANY };
typedef struct dkv_tag {
	const char *name;
	size_t namelen;
	const char *val;             /* blanks at both ends trimmed */
	size_t vallen;
} dkv_tag;
/* Parses s[0..n) (folding with LF or CRLF allowed) into t[0..max).
   Returns DKV_TAGS_OK or the first problem; *nt = tags stored. */
int dkv_tags_parse(const char *s, size_t n, dkv_tag *t, size_t max,
                   size_t *nt);
/* The tag named name, or NULL. */
const dkv_tag *dkv_tag_get(const dkv_tag *t, size_t nt, const char *name);

/* --- key lookups --------------------------------------------------------- */
enum { DKV_KEY_TEMP = -1, DKV_KEY_NONE = 0, DKV_KEY_FOUND = 1,
       DKV_KEY_MULTI = 2, DKV_KEY_BADNAME = 3 };
#define DKV_TXT_MAX 65536        /* bytes of one joined TXT record */
/* Looks name up in the key file file[0..n): DKV_KEY_FOUND with the first
   TXT line's strings joined into txt (or DKV_KEY_MULTI if several TXT
   lines name it), DKV_KEY_TEMP for TEMPFAIL, DKV_KEY_NONE for NXDOMAIN
   or not listed.  Lines that do not parse are ignored. */
int dkv_keyfile_find(const char *file, size_t n, const char *name,
                     sbuf *txt);
/* The TXT records in the answer section of the DNS message msg[0..n):
   their number (the first one's strings joined into txt), or -1 if the
   message is malformed. */
int dkv_txt_packet(const unsigned char *msg, size_t n, sbuf *txt);
/* 1 if s[0..n) is usable as a DNS name for a key query: labels of
   letters, digits, '-' and '_', 1..63 bytes each, at most 253 in all. */
int dkv_name_ok(const char *s, size_t n);

/* --- the verifier ------------------------------------------------------ */
#define DKV_SIGS_MAX 8           /* signatures of each kind evaluated */
#define DKV_HEADER_MAX (1u << 20)  /* bytes of header kept */
#define DKV_FIELDS_MAX 2048      /* header fields looked at */
#define DKV_SKIP_MAX 64          /* our own A-R fields removed */
#define DKV_HLIST_MAX 1024       /* names in a DKIM h= list (more: C) */

typedef struct dkv_conf {
	const char *servid;          /* authserv-id */
	unsigned long minkeybits;    /* DKVERIFY_MINKEYBITS, default 1024 */
	int rsasha1;                 /* 0: refuse rsa-sha1 (DKVERIFY_RSASHA1=0) */
	int timeout_ms;              /* all key lookups of a message */
	const char *keyfile;         /* contents of $DKVERIFY_KEYFILE or NULL */
	size_t keyfilelen;
} dkv_conf;

typedef struct dkv_out {
	char dk, dkim;               /* the message letters */
	const char *dkcomment;       /* comments of those letters */
	const char *dkimcomment;
	authres_res ar;
	size_t nskip;                /* our own A-R fields (raw byte ranges) */
	size_t skip_off[DKV_SKIP_MAX], skip_len[DKV_SKIP_MAX];
	int skipfull;                /* more than DKV_SKIP_MAX of them */
	char domains[512];           /* d= of the signatures, comma list */
} dkv_out;

typedef struct dkv dkv;

/* Sets up libopendkim and the resolver (unless a key file is given).
   NULL with *err set on failure (errno EINVAL: garbled DNSCACHEIP). */
dkv *dkv_new(const dkv_conf *c, const char **err);
void dkv_free(dkv *v);
/* Per message: begin, any number of chunks, end.  -1 only for out of
   memory or a libopendkim failure; bad input gives letters instead. */
int dkv_begin(dkv *v);
int dkv_chunk(dkv *v, const char *p, size_t n);
int dkv_end(dkv *v, dkv_out *o);

/* Comments of the letters (A-R and the reject/defer texts). */
const char *dkv_dk_comment(char letter);
const char *dkv_dkim_comment(char letter);

/* --- internal: DomainKeys and DKIM engines (lib/dk_verify.c,
   lib/dkv_dkim.c), fed by lib/dkv_verify.c ------------------------------ */
#include "msg.h"
typedef struct dkv_keys dkv_keys;   /* prefetched key records */
/* Status and record of the key at name (DKV_KEY_*). */
int dkv_keys_get(dkv_keys *k, const char *name, const char **txt,
                 size_t *len);

typedef struct dkv_dk dkv_dk;
/* Starts DomainKeys verification of the header text[0..len) (LF text,
   fields f[0..nf)); dkv_dk_names lists the key names it needs. */
dkv_dk *dkv_dk_new(const char *text, size_t len, const msg_field *f,
                   size_t nf, int malformed);
size_t dkv_dk_names(dkv_dk *d, char names[][256], size_t max);
void dkv_dk_keys(dkv_dk *d, dkv_keys *k);
void dkv_dk_body(dkv_dk *d, const char *lf, size_t n);  /* LF text */
void dkv_dk_end(dkv_dk *d, dkv_out *o);
void dkv_dk_free(dkv_dk *d);

typedef struct dkv_dkim dkv_dkim;
typedef struct dkv_dkim_lib dkv_dkim_lib;
dkv_dkim_lib *dkv_dkim_lib_new(const dkv_conf *c, const char **err);
void dkv_dkim_lib_free(dkv_dkim_lib *l);
dkv_dkim *dkv_dkim_new(dkv_dkim_lib *l, const char *text, size_t len,
                       const msg_field *f, size_t nf, int malformed);
size_t dkv_dkim_names(dkv_dkim *d, char names[][256], size_t max);
/* Takes the keys and feeds the header to libopendkim (0: out of memory). */
int dkv_dkim_keys(dkv_dkim *d, dkv_keys *k, const char *text,
                  const msg_field *f, size_t nf);
int dkv_dkim_body(dkv_dkim *d, const char *crlf, size_t n);
int dkv_dkim_end(dkv_dkim *d, dkv_out *o);
void dkv_dkim_free(dkv_dkim *d);

#endif
