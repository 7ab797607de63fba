/*
 * dksign: DKIM (and, on request, DomainKeys) signing for qmail.
 *
 * Chain:  qmail-rspawn -> dksign (as qmail-remote) -> qmail-remote.orig
 *         or by hand: dksign -k key message > signed
 * Modes:  qmail-remote mode when invoked as qmail-remote or qmail-dksign,
 *         or with --remote as first argument; command-line mode otherwise.
 * Reads:  options; $DKSIGN (key path templates, % = domain), else
 *         QMAILHOME/control/dksign; $DKSIGNOPTIONS (qmail-remote mode
 *         options); $DKREMOTE (the real qmail-remote); $DKSIGN_QMAILHOME
 *         (else QMAILHOME, default /var/qmail); $TMPDIR.
 * Sets:   DKSIGN_ACTIVE=1 for the real qmail-remote (loop guard).
 * Does:   reads the message once, normalises its line ends (LF, CRLF, CR
 *         all end a line), finds the keys, lets libopendkim make one
 *         DKIM-Signature per key (lib/dkim), adds DomainKey-Signature
 *         fields with -K (lib/dk), and only then writes anything: the
 *         signature fields and the message.
 * Exits:  command line: 0 signed or copied unsigned (no key found);
 *         100 usage, bad message, bad key, no domain; 111 temporary
 *         (unreadable key or input, out of memory, write error).
 *         qmail-remote mode: whatever the real qmail-remote exits with;
 *         before hand-off every failure is a "Z...\n\0" report on fd 1
 *         and exit 0, so the message stays queued.  Nothing on fd 2.
 * Behaviour: ../shared/spec/dkim.md sections 1.6, 2.2, 3, 7 (C-1..C-7,
 * S-1..S-11).
 */
#include "die.h"
#include "io.h"
#include "dk.h"
#include "dkim.h"
#include "env.h"
#include "key.h"
#include "msg.h"
#include "sbuf.h"
#include "scan.h"
#include "tmpl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#define USAGE "dksign [ -Klqz ] [ -k keyfile | -T template ]... [ -d domain ] [ -s selector ] [ -a algorithm ] [ -c canon ] [ -h fields ] [ -o fields ] [ -i identity ] [ -x seconds ] [ -t time ] [ -O dir ] [ file ... ]"
#define OPTS "+Klqzk:T:d:s:a:c:h:o:i:x:t:O:"
#ifndef QMAILHOME
#define QMAILHOME "/var/qmail"
#endif
#define SIGS_MAX 8               /* -k and templates together */
#define KEYCACHE_MAX 32          /* keys kept loaded (batch mode) */
#define MEM_MAX (1u << 20)       /* message bytes kept in memory */
#define MSG_MAX (1ul << 30)      /* message bytes in all */
#define CONTROL_MAX 65536        /* bytes of control/dksign, DKSIGNOPTIONS */
#define OPTARGS_MAX 64           /* words in $DKSIGNOPTIONS */
#define X_MAX 315360000UL        /* -x: ten years */
#define T_MAX 253402300799UL     /* -t: year 9999 */
#define Z_SUFFIX " (#4.3.0)"

static struct {
	int remote;
	const char *kfile[SIGS_MAX];      /* -k, in order */
	size_t nkfile;
	const char *tmpl[SIGS_MAX];       /* -T, $DKSIGN, control/dksign */
	size_t tlen[SIGS_MAX];
	size_t ntmpl;
	const char *domain, *selector, *identity;
	int alg;                          /* -a: DKIM_A_*, -1 = by key type */
	int hcanon, bcanon;
	int dk;                           /* -K */
	int quoteq;                       /* -q: q=dns/txt */
	dkim_opts dopts;
	const char *outdir;               /* -O */
	char **files;
	int nfiles;
	const char *qmailhome;
	char tmplbuf[CONTROL_MAX + 1];    /* $DKSIGN or control/dksign */
} o = { .alg = -1, .hcanon = DKIM_C_RELAXED, .bcanon = DKIM_C_RELAXED };

/* ---------------------------------------------------------------- */
/* failures                                                          */

/* What went wrong with one message, and how it is reported. */
enum res { R_SIGNED, R_UNSIGNED, R_NOKEY, R_BADMSG, R_NOFROM, R_NODOMAIN,
           R_KEYREAD, R_KEYNOTREG, R_KEYBAD, R_BADALG, R_BADIDENT,
           R_NOMEM, R_SIGNFAIL };

typedef struct result {
	enum res r;
	const char *path;                 /* key path */
	int err;                          /* errno, msg or key error */
	const char *text;                 /* libopendkim's words */
} result;

/* qmail-remote mode: one Z message report, exit 0 (spec S-10). */
static void __attribute__((noreturn, format(printf, 1, 2)))
zfail(const char *fmt, ...)
{
	char buf[1200];
	va_list ap;
	int n;

	buf[0] = 'Z';
	va_start(ap, fmt);
	n = vsnprintf(buf + 1, sizeof buf - 1 - sizeof Z_SUFFIX - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof buf - 1 - sizeof Z_SUFFIX - 2)
		n = (int)(sizeof buf - 1 - sizeof Z_SUFFIX - 2);
	memcpy(buf + 1 + n, Z_SUFFIX "\n", sizeof Z_SUFFIX + 1);
	n += 1 + (int)sizeof Z_SUFFIX;    /* Z + text + suffix + \n */
	buf[n++] = 0;
	if (write(1, buf, (size_t)n) < 0)
		_exit(111);
	_exit(0);
}

static void
result_z(const result *r)
{
	switch (r->r) {
	case R_KEYREAD:
		zfail("DKIM signing: cannot read key %s: %s", r->path,
		    errstr(r->err));
	case R_KEYNOTREG:
		zfail("DKIM signing: cannot read key %s: not a regular file",
		    r->path);
	case R_KEYBAD: case R_BADALG:
		zfail("DKIM signing: invalid key %s", r->path);
	case R_NOMEM:
		zfail("DKIM signing: out of memory");
	case R_SIGNFAIL: case R_BADIDENT:
		zfail("DKIM signing: cannot sign: %s", r->text ? r->text : "?");
	default:
		break;
	}
}

/* Command line: the text for r into buf ("" if none), and the exit code
   (spec C-7). */
static int
result_text(const result *r, const char *name, char *buf, size_t size)
{
	int code = 0;

	buf[0] = 0;
	switch (r->r) {
	case R_BADMSG:
		snprintf(buf, size, "%s: %s", name, msg_errstr(r->err));
		return 100;
	case R_NOFROM:
		snprintf(buf, size, "%s: no From: field (DKIM signs it always)",
		    name);
		return 100;
	case R_NODOMAIN:
		snprintf(buf, size, "%s: no signing domain (no usable Sender: "
		    "or From: address, no -d)", name);
		return 100;
	case R_KEYREAD:
		snprintf(buf, size, "unable to read key %s: %s", r->path,
		    errstr(r->err));
		return r->err == ENOENT || r->err == ENOTDIR ? 100 : 111;
	case R_KEYNOTREG:
		snprintf(buf, size, "unable to read key %s: not a regular file",
		    r->path);
		return 111;
	case R_KEYBAD:
		snprintf(buf, size, "invalid key %s: %s", r->path,
		    key_errstr(r->err));
		return 100;
	case R_BADALG:
		snprintf(buf, size, "key %s does not fit -a", r->path);
		return 100;
	case R_BADIDENT:
		snprintf(buf, size, "%s: identity %s is not within d=%s", name,
		    o.identity, r->text);
		return 100;
	case R_NOMEM:
		snprintf(buf, size, "%s: out of memory", name);
		return 111;
	case R_SIGNFAIL:
		snprintf(buf, size, "%s: unable to sign: %s", name,
		    r->text ? r->text : "?");
		return 111;
	case R_NOKEY:
		snprintf(buf, size, "%s: no key found, copied unsigned", name);
		return 0;
	default:
		return code;
	}
}

/* Says r: a note or a fatal error (single message), or a warning
   (batch, which goes on with the next file).  Returns the exit code. */
static int
result_say(const result *r, const char *name)
{
	char buf[DIE_LINE_MAX];
	int code = result_text(r, name, buf, sizeof buf);

	if (!buf[0])
		return code;
	if (code == 0 || o.outdir)
		warn_x("%s", buf);
	else
		die_x(code, "%s", buf);
	return code;
}

/* ---------------------------------------------------------------- */
/* options                                                           */

static int
set_canon(const char *s)
{
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	int h, b = DKIM_C_SIMPLE;        /* RFC 6376: "relaxed" = relaxed/simple */

	if (hl == 6 && strncmp(s, "simple", 6) == 0)
		h = DKIM_C_SIMPLE;
	else if (hl == 7 && strncmp(s, "relaxed", 7) == 0)
		h = DKIM_C_RELAXED;
	else
		return 0;
	if (slash) {
		if (strcmp(slash + 1, "simple") == 0)
			b = DKIM_C_SIMPLE;
		else if (strcmp(slash + 1, "relaxed") == 0)
			b = DKIM_C_RELAXED;
		else
			return 0;
	}
	o.hcanon = h;
	o.bcanon = b;
	return 1;
}

static int
set_alg(const char *s)
{
	if (strcmp(s, "rsa-sha256") == 0)
		o.alg = DKIM_A_RSA_SHA256;
	else if (strcmp(s, "rsa-sha1") == 0)
		o.alg = DKIM_A_RSA_SHA1;
	else if (strcmp(s, "ed25519-sha256") == 0)
		o.alg = DKIM_A_ED25519_SHA256;
	else
		return 0;
	return 1;
}

static int
add_tmpl(const char *t, size_t len)
{
	if (o.nkfile + o.ntmpl == SIGS_MAX || len == 0)
		return 0;
	o.tmpl[o.ntmpl] = t;
	o.tlen[o.ntmpl++] = len;
	return 1;
}

/* Parses argv with getopt; returns 0 with *bad set on a bad option. */
static int
parse_opts(int argc, char **argv, const char **bad)
{
	unsigned long u;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, OPTS)) != -1) {
		*bad = optarg;
		switch (c) {
		case 'K': o.dk = 1; break;
		case 'l': o.dopts.bodylen = 1; break;
		case 'q': o.quoteq = 1; break;
		case 'z': o.dopts.ztags = 1; break;
		case 'k':
			if (o.nkfile + o.ntmpl == SIGS_MAX)
				return 0;
			o.kfile[o.nkfile++] = optarg;
			break;
		case 'T':
			if (!add_tmpl(optarg, strlen(optarg)))
				return 0;
			break;
		case 'd':
			if (!*optarg)
				return 0;
			o.domain = optarg;
			break;
		case 's':
			if (!*optarg || strpbrk(optarg, "; \t\r\n"))
				return 0;
			o.selector = optarg;
			break;
		case 'a': if (!set_alg(optarg)) return 0; break;
		case 'c': if (!set_canon(optarg)) return 0; break;
		case 'h':
			if (!dkim_fieldlist_ok(optarg))
				return 0;
			o.dopts.signhdrs = optarg;
			break;
		case 'o':
			if (!dkim_fieldlist_ok(optarg))
				return 0;
			o.dopts.oversign = optarg;
			break;
		case 'i':
			if (!strchr(optarg, '@') || strpbrk(optarg, "; \t\r\n"))
				return 0;
			o.identity = optarg;
			break;
		case 'x':
			if (!scan_ulong(optarg, X_MAX, &u) || u == 0)
				return 0;
			o.dopts.ttl = u;
			break;
		case 't':
			if (!scan_ulong(optarg, T_MAX, &u))
				return 0;
			o.dopts.fixedtime = 1;
			o.dopts.now = u;
			break;
		case 'O': o.outdir = optarg; break;
		default:
			*bad = 0;
			return 0;
		}
	}
	o.files = argv + optind;
	o.nfiles = argc - optind;
	return 1;
}

/* $DKSIGNOPTIONS, split at blanks (no quoting). */
static int
parse_envopts(const char *s)
{
	static char buf[CONTROL_MAX + 1];
	char *argv[OPTARGS_MAX + 2];
	const char *bad;
	size_t len = strlen(s), pos = 0, a, n;
	int argc = 1;

	if (len > CONTROL_MAX)
		return 0;
	memcpy(buf, s, len + 1);
	argv[0] = "dksign";
	while (tmpl_next(buf, len, &pos, 0, &a, &n)) {
		if (argc == OPTARGS_MAX + 1)
			return 0;
		buf[a + n] = 0;              /* the blank after it, or the end */
		argv[argc++] = buf + a;
		if (pos < len)
			pos++;
	}
	argv[argc] = 0;
	return parse_opts(argc, argv, &bad) && o.nfiles == 0 && !o.outdir;
}

/* Templates from $DKSIGN, else QMAILHOME/control/dksign (spec S-2).
   Returns 1, or 0 with errno set when the control file is unreadable;
   *path names it. */
static int
load_templates(const char **path)
{
	static char cpath[TMPL_PATH_MAX];
	const char *env = getenv("DKSIGN");
	size_t len, pos = 0, a, n;
	int lines = 0;

	*path = cpath;
	if (env) {
		len = strlen(env);
		if (len > CONTROL_MAX) {
			errno = E2BIG;
			*path = "$DKSIGN";
			return 0;
		}
		memcpy(o.tmplbuf, env, len + 1);
	} else {
		int r;

		if ((size_t)snprintf(cpath, sizeof cpath, "%s/control/dksign",
		    o.qmailhome) >= sizeof cpath) {
			errno = ENAMETOOLONG;
			return 0;
		}
		r = key_read_file(cpath, o.tmplbuf, CONTROL_MAX, &len);
		if (r == 0 && errno == ENOENT)
			return 1;
		if (r <= 0) {
			if (r < 0)
				errno = EINVAL;
			return 0;
		}
		lines = 1;
	}
	while (tmpl_next(o.tmplbuf, len, &pos, lines, &a, &n))
		if (!add_tmpl(o.tmplbuf + a, n))
			break;           /* more than SIGS_MAX: the rest ignored */
	return 1;
}

/* ---------------------------------------------------------------- */
/* keys                                                              */

static struct cached {
	char path[TMPL_PATH_MAX];
	key k;
	int used;
} cache[KEYCACHE_MAX];
static size_t cache_next;

/* Loads path (or finds it loaded).  Returns the key or NULL with *r set. */
static key *
key_get(const char *path, result *r)
{
	static char buf[KEY_FILE_MAX];
	struct cached *c;
	size_t i, len;
	int rd, err;

	for (i = 0; i < KEYCACHE_MAX; i++)
		if (cache[i].used && strcmp(cache[i].path, path) == 0)
			return &cache[i].k;
	r->path = path;
	rd = key_read_file(path, buf, sizeof buf, &len);
	if (rd <= 0) {
		r->r = rd < 0 ? R_KEYNOTREG : R_KEYREAD;
		r->err = errno;
		return 0;
	}
	c = &cache[cache_next];
	cache_next = (cache_next + 1) % KEYCACHE_MAX;
	if (c->used)
		key_free(&c->k);
	c->used = 0;
	err = key_parse(&c->k, buf, len);
	OPENSSL_cleanse(buf, len);
	if (err != KEY_OK) {
		r->r = err == KEY_ENOMEM ? R_NOMEM : R_KEYBAD;
		r->err = err;
		return 0;
	}
	memcpy(c->path, path, strlen(path) + 1);
	c->used = 1;
	return &c->k;
}

/* One signature to make. */
typedef struct sig {
	key *k;
	char path[TMPL_PATH_MAX];
	char domain[MSG_DOMAIN_MAX + 1];
	const char *selector;
} sig;

/* Template search (spec S-4, S-5): the first existing candidate wins.
   Returns 1 found, 0 none, -1 error (*r set). */
static int
search(const char *t, size_t tlen, const char *dom, size_t dlen, sig *s,
       result *r)
{
	char rel[TMPL_PATH_MAX];
	const char *tp = t;
	size_t off = 0;
	struct stat st;

	if (o.remote && t[0] != '/') {   /* relative to the qmail home */
		size_t hl = strlen(o.qmailhome);

		if (hl + 1 + tlen >= sizeof rel)
			return 0;
		memcpy(rel, o.qmailhome, hl);
		rel[hl] = '/';
		memcpy(rel + hl + 1, t, tlen);
		tp = rel;
		tlen += hl + 1;
	}
	do {
		const char *d = dom + off;
		size_t dl = dlen - off;

		if (!tmpl_expand(tp, tlen, d, dl, s->path))
			return 0;
		if (stat(s->path, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			r->r = R_KEYREAD;
			r->err = errno;
			r->path = s->path;
			return -1;
		}
		memcpy(s->domain, d, dl);
		s->domain[dl] = 0;
		s->k = key_get(s->path, r);
		if (!s->k)
			return -1;
		s->selector = s->path + tmpl_basename(s->path, strlen(s->path));
		return 1;
	} while (tmpl_has_pct(tp, tlen) && tmpl_parent(dom, dlen, &off));
	return 0;
}

/* The explicit -k keys, loaded once. */
static key *kfile_key[SIGS_MAX];

static void
load_kfiles(void)
{
	size_t i;
	result r = { 0, 0, 0, 0 };

	for (i = 0; i < o.nkfile; i++) {
		kfile_key[i] = key_get(o.kfile[i], &r);
		if (!kfile_key[i]) {
			char buf[DIE_LINE_MAX];
			int code;

			if (o.remote)
				result_z(&r);
			code = result_text(&r, o.kfile[i], buf, sizeof buf);
			die_x(code, "%s", buf);
		}
	}
}

static int
alg_for(const key *k)
{
	if (k->type == KEY_ED25519)
		return o.alg == -1 || o.alg == DKIM_A_ED25519_SHA256 ?
		    DKIM_A_ED25519_SHA256 : -1;
	if (o.alg == DKIM_A_ED25519_SHA256)
		return -1;
	return o.alg == -1 ? DKIM_A_RSA_SHA256 : o.alg;
}

/* -i must be the domain or a subdomain of it. */
static int
ident_ok(const char *dom)
{
	const char *at = strrchr(o.identity, '@') + 1;
	size_t il = strlen(at), dl = strlen(dom);

	if (il < dl || strcasecmp(at + il - dl, dom) != 0)
		return 0;
	return il == dl || at[il - dl - 1] == '.';
}

/* ---------------------------------------------------------------- */
/* signing                                                           */

static dkim_ctx *ctx;
static msg_field fields[MSG_FIELDS_MAX];

/* Finds the keys for this message.  Returns the count, or -1 (*r set). */
static int
find_keys(const char *dom, size_t dlen, sig *sigs, result *r)
{
	size_t i;
	int n = 0;

	for (i = 0; i < o.nkfile; i++) {
		sig *s = &sigs[n++];

		s->k = kfile_key[i];
		memcpy(s->path, o.kfile[i], strlen(o.kfile[i]) + 1);
		memcpy(s->domain, dom, dlen + 1);
		s->selector = o.selector ? o.selector :
		    o.kfile[i] + tmpl_basename(o.kfile[i], strlen(o.kfile[i]));
	}
	for (i = 0; i < o.ntmpl; i++) {
		int f = search(o.tmpl[i], o.tlen[i], dom, dlen, &sigs[n], r);

		if (f < 0)
			return -1;
		n += f;
	}
	return n;
}

static int
make_dkim(sig *sigs, int n, const char *text, size_t len, size_t nf,
          size_t body, sbuf *hdr, result *r)
{
	dkim_job *jobs[SIGS_MAX];
	size_t bad;
	int i, made = 0, ok = 1;

	for (i = 0; i < n && ok; i++) {
		dkim_signreq q = { sigs[i].k->text, sigs[i].selector,
		    sigs[i].domain, o.identity, alg_for(sigs[i].k),
		    o.hcanon, o.bcanon, sigs[i].k->pkey };

		if (q.alg < 0) {
			r->r = R_BADALG;
			r->path = sigs[i].path;
			ok = 0;
			break;
		}
		if (o.identity && !ident_ok(sigs[i].domain)) {
			r->r = R_BADIDENT;
			r->text = sigs[i].domain;
			ok = 0;
			break;
		}
		jobs[i] = dkim_job_sign(ctx, &q, &r->text);
		if (!jobs[i]) {
			r->r = R_SIGNFAIL;
			ok = 0;
			break;
		}
		made++;
		if (o.quoteq && !dkim_job_queryq(jobs[i])) {
			r->r = R_SIGNFAIL;
			r->text = dkim_job_error(jobs[i]);
			ok = 0;
		}
	}
	if (ok && !dkim_feed(jobs, (size_t)n, text, len, fields, nf, body,
	    &bad)) {
		r->r = R_SIGNFAIL;
		r->text = dkim_job_error(jobs[bad]);
		ok = 0;
	}
	for (i = 0; ok && i < n; i++)
		if (!dkim_job_sigfield(jobs[i], hdr)) {
			r->r = R_NOMEM;
			ok = 0;
		}
	if (!ok && r->text) {             /* outlive the jobs */
		static char why[256];

		snprintf(why, sizeof why, "%s", r->text);
		r->text = why;
	}
	for (i = 0; i < made; i++)
		dkim_job_free(jobs[i]);
	return ok;
}

static int
make_dk(sig *sigs, int n, const char *text, size_t len, size_t nf,
        size_t body, sbuf *hdr, result *r)
{
	int i;

	for (i = 0; i < n; i++) {
		dk_signreq q = { sigs[i].k->pkey, sigs[i].selector,
		    sigs[i].domain };

		if (sigs[i].k->type != KEY_RSA)
			continue;        /* Ed25519 never signs DomainKeys */
		if (!dk_sign(&q, text, len, fields, nf, body, hdr)) {
			r->r = R_NOMEM;
			return 0;
		}
	}
	return 1;
}

/* Signs text[0..len): the signature fields go to hdr.  r->r tells the
   outcome; R_SIGNED and the "unsigned" results leave the text usable. */
static void
sign_text(const char *text, size_t len, sbuf *hdr, result *r)
{
	sig sigs[SIGS_MAX];
	char dom[MSG_DOMAIN_MAX + 1];
	size_t nf, body, dlen, i;
	int n;

	r->r = R_BADMSG;
	r->err = msg_check(text, len);
	if (r->err != MSG_OK)
		return;
	r->err = msg_header_parse(text, len, fields, MSG_FIELDS_MAX, &nf,
	    &body);
	if (r->err != MSG_OK)
		return;
	for (i = 0; i < nf && !msg_field_is(text, &fields[i], "from"); i++)
		;
	if (i == nf) {
		r->r = R_NOFROM;        /* libopendkim would refuse it */
		return;
	}
	if (o.domain) {
		dlen = strlen(o.domain);
		if (dlen > MSG_DOMAIN_MAX) {
			r->r = R_NODOMAIN;
			return;
		}
		memcpy(dom, o.domain, dlen + 1);
	} else if (!(dlen = msg_sign_domain(text, fields, nf, dom))) {
		r->r = R_NODOMAIN;
		return;
	}
	n = find_keys(dom, dlen, sigs, r);
	if (n < 0)
		return;
	if (n == 0) {
		r->r = R_NOKEY;
		return;
	}
	if (!make_dkim(sigs, n, text, len, nf, body, hdr, r))
		return;
	if (o.dk && !make_dk(sigs, n, text, len, nf, body, hdr, r))
		return;
	r->r = R_SIGNED;
}

static void
ctx_init(void)
{
	const char *err;

	ctx = dkim_ctx_new(&o.dopts, &err);
	if (!ctx) {
		if (o.remote)
			zfail("DKIM signing: %s", err);
		die_x(111, "unable to set up libopendkim: %s", err);
	}
}

/* ---------------------------------------------------------------- */
/* output                                                            */

/* Writes LF text, as CRLF text if crlf. */
static int
write_text(int fd, const char *p, size_t n, int crlf)
{
	static char buf[65536];
	size_t b = 0, i = 0;

	if (!crlf)
		return io_write_all(fd, p, n);
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t end = nl ? (size_t)(nl - p) : n, m = end - i;

		if (b + m + 2 > sizeof buf) {
			if (!io_write_all(fd, buf, b))
				return 0;
			b = 0;
			if (m + 2 > sizeof buf) {
				if (!io_write_all(fd, p + i, m))
					return 0;
				m = 0;
				i = end;
			}
		}
		memcpy(buf + b, p + i, m);
		b += m;
		if (nl) {
			buf[b++] = '\r';
			buf[b++] = '\n';
		}
		i = end + 1;
	}
	return io_write_all(fd, buf, b);
}

/* ---------------------------------------------------------------- */
/* command-line mode                                                 */

/* Signs one message from fd; writes it to outfd.  Returns the exit code. */
static int
sign_fd(int fd, const char *name, int outfd)
{
	msg_spool sp = MSG_SPOOL_INIT;
	sbuf hdr = SBUF_INIT(SBUF_MAX_DEFAULT);
	result r = { 0, 0, 0, 0 };
	int code, crlf;

	if (!msg_spool_read(&sp, fd, MEM_MAX, MSG_MAX, 0)) {
		int e = errno;

		msg_spool_free(&sp);
		if (!o.outdir)
			die_x(e == E2BIG ? 100 : 111, "unable to read %s: %s", name,
			    errstr(e));
		warn_x("unable to read %s: %s", name, errstr(e));
		return e == E2BIG ? 100 : 111;
	}
	sign_text(sp.p, sp.len, &hdr, &r);
	code = result_say(&r, name);
	crlf = sp.style == MSG_STYLE_CRLF;
	if (r.r == R_SIGNED || r.r == R_NOKEY) {
		if (!write_text(outfd, hdr.s ? hdr.s : "", hdr.len, crlf) ||
		    !write_text(outfd, sp.p, sp.len, crlf)) {
			if (!o.outdir)
				die_sys(111, "unable to write the signed %s", name);
			warn_sys("unable to write the signed %s", name);
			code = 111;
		}
	}
	sbuf_free(&hdr);
	msg_spool_free(&sp);
	return code;
}

/* -O dir: each file to dir/basename.  The output file is created only
   once the signature fields are made (sign_fd writes nothing before), and
   removed again if writing fails; a file is never its own output. */
static int
sign_file_to(const char *file)
{
	char out[TMPL_PATH_MAX];
	const char *base = file + tmpl_basename(file, strlen(file));
	struct stat in, os;
	int fd, ofd, code;

	if (!*base || (size_t)snprintf(out, sizeof out, "%s/%s", o.outdir,
	    base) >= sizeof out) {
		warn_x("unable to sign %s: bad output name", file);
		return 100;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		warn_sys("unable to open %s", file);
		return errno == ENOENT ? 100 : 111;
	}
	if (fstat(fd, &in) == 0 && stat(out, &os) == 0 &&
	    in.st_dev == os.st_dev && in.st_ino == os.st_ino) {
		warn_x("unable to sign %s: it is its own output file", file);
		close(fd);
		return 100;
	}
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (ofd < 0) {
		warn_sys("unable to create %s", out);
		close(fd);
		return 111;
	}
	code = sign_fd(fd, file, ofd);
	close(fd);
	if (close(ofd) < 0 && code == 0) {
		warn_sys("unable to write %s", out);
		code = 111;
	}
	if (code != 0)
		unlink(out);
	return code;
}

static int
cli(void)
{
	const char *path;
	int i, code = 0;

	if (o.nkfile == 0 && o.ntmpl == 0) {
		if (!load_templates(&path))
			die_sys(111, "unable to read %s", path);
		if (o.ntmpl == 0)
			die_usage(USAGE);
	}
	if (o.nfiles > 1 && !o.outdir)
		die_usage(USAGE);
	if (o.outdir && o.nfiles == 0)
		die_usage(USAGE);
	load_kfiles();
	ctx_init();
	if (!o.outdir) {
		int fd = 0;

		if (o.nfiles == 1 && strcmp(o.files[0], "-") != 0) {
			fd = open(o.files[0], O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				die_sys(errno == ENOENT ? 100 : 111,
				    "unable to open %s", o.files[0]);
		}
		return sign_fd(fd, o.nfiles ? o.files[0] : "stdin", 1);
	}
	for (i = 0; i < o.nfiles; i++) {
		int c = sign_file_to(o.files[i]);

		if (c == 111 || (c == 100 && code == 0))
			code = c;
	}
	return code;
}

/* ---------------------------------------------------------------- */
/* qmail-remote mode                                                 */

static const char *
real_remote(const char *argv0)
{
	static char path[TMPL_PATH_MAX];
	const char *env = getenv("DKREMOTE");
	const char *base = argv0 + tmpl_basename(argv0, strlen(argv0));

	if (env && *env)
		return env;
	if ((size_t)snprintf(path, sizeof path, "%s/bin/qmail-remote%s",
	    o.qmailhome, strcmp(base, "qmail-remote") == 0 ? ".orig" : "") >=
	    sizeof path)
		zfail("DKIM signing: cannot run qmail-remote");
	return path;
}

/* Runs the real qmail-remote with our argv[1..] and fd as its fd 0. */
static void __attribute__((noreturn))
hand_off(const char *prog, char **args, int fd)
{
	envmod mods = ENVMOD_INIT;
	char *argv[260];
	int i;

	argv[0] = (char *)prog;
	for (i = 0; args[i] && i < 258; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = 0;
	if (fd != 0 && (dup2(fd, 0) < 0 || close(fd) < 0))
		zfail("DKIM signing: cannot run qmail-remote");
	if (lseek(0, 0, SEEK_SET) < 0 && errno != ESPIPE)
		zfail("DKIM signing: cannot run qmail-remote");
	if (!envmod_set(&mods, "DKSIGN_ACTIVE", "1"))
		zfail("DKIM signing: out of memory");
	envmod_exec(&mods, argv);
	zfail("DKIM signing: cannot run qmail-remote");
}

/* The bytes for the real qmail-remote, in a file of their own. */
static int
output_fd(const sbuf *hdr, const char *text, size_t len)
{
	int fd = -1;

	if (hdr->len + len <= MEM_MAX)
		fd = memfd_create("dksign", MFD_CLOEXEC);
	if (fd < 0)
		fd = msg_tmpfile(0);
	if (fd < 0)
		zfail("DKIM signing: cannot create temporary file: %s",
		    errstr(errno));
	if ((hdr->len && !io_write_all(fd, hdr->s, hdr->len)) ||
	    !io_write_all(fd, text, len))
		zfail("DKIM signing: cannot write temporary file: %s",
		    errstr(errno));
	return fd;
}

/* Loop guard (spec S-9): our marker, or the real program is us. */
static void
refuse_self(const char *prog)
{
	struct stat a, b;

	if (getenv("DKSIGN_ACTIVE"))
		zfail("DKIM signing: cannot run qmail-remote");
	if (stat(prog, &a) == 0 && stat("/proc/self/exe", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		zfail("DKIM signing: cannot run qmail-remote");
}

static void __attribute__((noreturn))
remote(char **argv, char **args)
{
	const char *prog = real_remote(argv[0]), *path, *env;
	msg_spool sp = MSG_SPOOL_INIT;
	sbuf hdr = SBUF_INIT(SBUF_MAX_DEFAULT);
	result r = { 0, 0, 0, 0 };

	refuse_self(prog);
	env = getenv("DKSIGNOPTIONS");
	if (env && !parse_envopts(env))
		zfail("DKIM signing: invalid DKSIGNOPTIONS");
	if (!load_templates(&path))
		zfail("DKIM signing: cannot read %s: %s", path, errstr(errno));
	if (o.nkfile == 0 && o.ntmpl == 0)
		hand_off(prog, args, 0);      /* nothing to sign with */
	load_kfiles();
	if (!msg_spool_read(&sp, 0, MEM_MAX, MSG_MAX, 0))
		zfail("DKIM signing: cannot read message: %s", errstr(errno));
	ctx_init();
	sign_text(sp.p, sp.len, &hdr, &r);
	result_z(&r);
	/* signed, or unsigned pass-through (no key, no domain, bad header) */
	if (r.r != R_SIGNED && sp.fromfile)
		hand_off(prog, args, 0);      /* the queue file, unchanged */
	hand_off(prog, args, output_fd(&hdr, sp.p, sp.len));
}

/* ---------------------------------------------------------------- */

static int
remote_mode(int argc, char **argv)
{
	const char *base = argv[0] + tmpl_basename(argv[0], strlen(argv[0]));

	if (strcmp(base, "qmail-remote") == 0 ||
	    strcmp(base, "qmail-dksign") == 0)
		return 1;
	return argc > 1 && strcmp(argv[1], "--remote") == 0 ? 2 : 0;
}

int
main(int argc, char **argv)
{
	const char *bad;
	int rm;

	die_prog = "dksign";
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, 0);
	o.qmailhome = getenv("DKSIGN_QMAILHOME");
	if (!o.qmailhome || !*o.qmailhome)
		o.qmailhome = QMAILHOME;
	if (argc < 1)
		die_usage(USAGE);
	rm = remote_mode(argc, argv);
	if (rm) {
		o.remote = 1;
		die_quiet = 1;
		remote(argv, argv + rm);
	}
	if (!parse_opts(argc, argv, &bad))
		die_usage(USAGE);
	return cli();
}
