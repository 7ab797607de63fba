/* dkv_verify: the streaming verifier.  Raw message bytes come in with any
   line ends (spec C-1); the header is kept (LF text, DKV_HEADER_MAX), the
   body is passed through to the DomainKeys and DKIM engines chunk by
   chunk.  All key records of a message are fetched in parallel under one
   deadline once the header is complete. */
#include "dkv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns.h"

#define CH 65536
#define NAMES (2 * DKV_SIGS_MAX)

enum { PH_HEADER = 0, PH_BODY, PH_IGNORE };

struct dkv_keys {
	size_t n;
	struct {
		char name[256];
		int st;
		sbuf txt;
	} e[NAMES];
};

struct dkv {
	dkv_conf c;
	dns *dns;
	dkv_dkim_lib *lib;
	int phase;
	int lastcr;                  /* the last raw byte was CR */
	int linestart;               /* next header byte starts a line */
	int hbad;                    /* header too big, NUL, too many lines */
	size_t raw;                  /* raw bytes seen */
	size_t hraw_end;             /* raw offset of the empty line */
	sbuf h;                      /* header, LF text */
	size_t nfs;                  /* line starts of fields */
	size_t fs_norm[DKV_FIELDS_MAX], fs_raw[DKV_FIELDS_MAX];
	msg_field f[DKV_FIELDS_MAX];
	size_t nf;
	int malformed;
	dkv_dk *dk;
	dkv_dkim *dkim;
	dkv_keys keys;
	int bodylast;                /* last normalised body byte, -1 none */
	char lf[CH];
	char crlf[2 * CH];
	dkv_out spoof;               /* skip ranges found at the header's end */
	int failed;
};

int
dkv_keys_get(dkv_keys *k, const char *name, const char **txt, size_t *len)
{
	size_t i;

	for (i = 0; k && i < k->n; i++)
		if (strcasecmp(k->e[i].name, name) == 0) {
			*txt = k->e[i].txt.s ? k->e[i].txt.s : "";
			*len = k->e[i].txt.len;
			return k->e[i].st;
		}
	*txt = "";
	*len = 0;
	return DKV_KEY_NONE;
}

dkv *
dkv_new(const dkv_conf *c, const char **err)
{
	dkv *v = calloc(1, sizeof *v);
	size_t i;

	*err = "out of memory";
	if (!v)
		return 0;
	v->c = *c;
	v->h.max = DKV_HEADER_MAX;
	for (i = 0; i < NAMES; i++)
		v->keys.e[i].txt.max = DKV_TXT_MAX;
	v->lib = dkv_dkim_lib_new(c, err);
	if (!v->lib) {
		free(v);
		return 0;
	}
	if (!c->keyfile) {
		v->dns = dns_new();
		if (!v->dns) {
			*err = errno == EINVAL ? "invalid DNSCACHEIP" :
			    "cannot set up the resolver";
			dkv_dkim_lib_free(v->lib);
			free(v);
			return 0;
		}
	}
	*err = 0;
	return v;
}

static void
reset(dkv *v)
{
	size_t i;

	dkv_dk_free(v->dk);
	dkv_dkim_free(v->dkim);
	v->dk = 0;
	v->dkim = 0;
	for (i = 0; i < v->keys.n; i++)
		sbuf_reset(&v->keys.e[i].txt);
	v->keys.n = 0;
}

void
dkv_free(dkv *v)
{
	size_t i;

	if (!v)
		return;
	reset(v);
	for (i = 0; i < NAMES; i++)
		sbuf_free(&v->keys.e[i].txt);
	sbuf_free(&v->h);
	dkv_dkim_lib_free(v->lib);
	if (v->dns)
		dns_free(v->dns);
	free(v);
}

int
dkv_begin(dkv *v)
{
	reset(v);
	v->phase = PH_HEADER;
	v->lastcr = 0;
	v->linestart = 1;
	v->hbad = 0;
	v->raw = 0;
	v->hraw_end = 0;
	sbuf_reset(&v->h);
	v->nfs = 0;
	v->nf = 0;
	v->malformed = 0;
	v->bodylast = -1;
	v->failed = 0;
	memset(&v->spoof, 0, sizeof v->spoof);
	return 1;
}

/* Fetches the key records of names[0..n) into v->keys. */
static void
lookup(dkv *v, char names[][256], size_t n)
{
	dns_q qs[NAMES];
	size_t i, j, nq = 0, map[NAMES];

	for (i = 0; i < n; i++) {
		for (j = 0; j < v->keys.n; j++)
			if (strcasecmp(v->keys.e[j].name, names[i]) == 0)
				break;
		if (j < v->keys.n || v->keys.n == NAMES)
			continue;
		j = v->keys.n++;
		memcpy(v->keys.e[j].name, names[i], 256);
		sbuf_reset(&v->keys.e[j].txt);
		if (!dkv_name_ok(names[i], strlen(names[i]))) {
			v->keys.e[j].st = DKV_KEY_BADNAME;
			continue;
		}
		if (v->c.keyfile) {
			v->keys.e[j].st = dkv_keyfile_find(v->c.keyfile,
			    v->c.keyfilelen, names[i], &v->keys.e[j].txt);
			continue;
		}
		qs[nq].name = v->keys.e[j].name;
		qs[nq].type = DNS_T_TXT;
		qs[nq].answer.s = 0;
		qs[nq].answer.len = qs[nq].answer.cap = 0;
		qs[nq].answer.max = DNS_ANSWER_MAX;
		map[nq++] = j;
	}
	if (nq == 0)
		return;
	(void)dns_query_many(v->dns, qs, nq, v->c.timeout_ms);
	for (i = 0; i < nq; i++) {
		int st = DKV_KEY_TEMP;

		if (qs[i].result == 0)
			st = DKV_KEY_NONE;
		else if (qs[i].result == 1) {
			int c = dkv_txt_packet((const unsigned char *)qs[i].answer.s,
			    qs[i].answer.len, &v->keys.e[map[i]].txt);

			st = c < 0 ? DKV_KEY_TEMP : c == 0 ? DKV_KEY_NONE :
			    c == 1 ? DKV_KEY_FOUND : DKV_KEY_MULTI;
		}
		v->keys.e[map[i]].st = st;
		sbuf_free(&qs[i].answer);
	}
}

/* The header is complete: parse it, find our spoofed A-R fields, fetch
   the keys, start both engines. */
static int
end_of_header(dkv *v, const char *servid)
{
	char names[NAMES][256];
	size_t body, i, j, nfrom = 0, n;
	int e;

	e = msg_header_parse(v->h.s ? v->h.s : "", v->h.len, v->f,
	    DKV_FIELDS_MAX, &v->nf, &body);
	v->malformed = e != MSG_OK || v->hbad;
	for (i = 0; i < v->nf; i++)
		if (msg_field_is(v->h.s, &v->f[i], "from"))
			nfrom++;
	/* our own A-R fields: raw ranges from the recorded line starts */
	for (i = 0, j = 0; i < v->nf; i++) {
		size_t end;

		if (!authres_is_ours(v->h.s + v->f[i].off, v->f[i].len, servid))
			continue;
		while (j < v->nfs && v->fs_norm[j] < v->f[i].off)
			j++;
		if (j == v->nfs || v->fs_norm[j] != v->f[i].off)
			continue;
		end = j + 1 < v->nfs ? v->fs_raw[j + 1] : v->hraw_end;
		if (v->spoof.nskip == DKV_SKIP_MAX) {
			v->spoof.skipfull = 1;
			continue;
		}
		v->spoof.skip_off[v->spoof.nskip] = v->fs_raw[j];
		v->spoof.skip_len[v->spoof.nskip++] = end - v->fs_raw[j];
	}
	v->dk = dkv_dk_new(v->h.s, v->h.len, v->f, v->nf, v->malformed);
	v->dkim = dkv_dkim_new(v->lib, v->h.s, v->h.len, v->f, v->nf,
	    v->malformed || nfrom != 1);
	if (!v->dk || !v->dkim)
		return 0;
	n = dkv_dk_names(v->dk, names, NAMES);
	n += dkv_dkim_names(v->dkim, names + n, NAMES - n);
	lookup(v, names, n);
	dkv_dk_keys(v->dk, &v->keys);
	return dkv_dkim_keys(v->dkim, &v->keys, v->h.s, v->f, v->nf);
}

static int
body(dkv *v, const char *lf, size_t n)
{
	size_t i, k = 0;

	if (n == 0)
		return 1;
	dkv_dk_body(v->dk, lf, n);
	for (i = 0; i < n; i++) {
		if (lf[i] == '\n')
			v->crlf[k++] = '\r';
		v->crlf[k++] = lf[i];
	}
	v->bodylast = (unsigned char)lf[n - 1];
	return dkv_dkim_body(v->dkim, v->crlf, k);
}

/* One header byte (already normalised: CR and CRLF gave one LF). */
static int
header_byte(dkv *v, char c, size_t rawoff)
{
	if (v->linestart) {
		if (c == '\n') {
			v->hraw_end = rawoff;
			v->phase = PH_BODY;
			return 1;
		}
		if (c != ' ' && c != '\t') {
			if (v->nfs == DKV_FIELDS_MAX) {
				v->hbad = 1;
				v->hraw_end = rawoff;
				v->phase = PH_IGNORE;
				return 1;
			}
			v->fs_norm[v->nfs] = v->h.len;
			v->fs_raw[v->nfs++] = rawoff;
		}
	}
	if (c == 0)
		v->hbad = 1;
	if (!sbuf_catc(&v->h, c)) {
		if (errno != E2BIG)
			return 0;
		v->hbad = 1;
		v->hraw_end = rawoff;
		v->phase = PH_IGNORE;
		return 1;
	}
	v->linestart = c == '\n';
	return 1;
}

int
dkv_chunk(dkv *v, const char *p, size_t n)
{
	size_t i = 0, k = 0;

	if (v->failed)
		return -1;
	while (i < n && v->phase == PH_HEADER) {
		char c = p[i];

		if (c == '\n' && v->lastcr) {
			v->lastcr = 0;
			i++;
			v->raw++;
			continue;
		}
		v->lastcr = c == '\r';
		if (!header_byte(v, c == '\r' ? '\n' : c, v->raw)) {
			v->failed = 1;
			return -1;
		}
		i++;
		v->raw++;
		if (v->phase != PH_HEADER &&
		    !end_of_header(v, v->c.servid)) {
			v->failed = 1;
			return -1;
		}
	}
	if (v->phase == PH_IGNORE) {
		v->raw += n - i;
		return 1;
	}
	for (; i < n; i++) {
		char c = p[i];

		v->raw++;
		if (c == '\n' && v->lastcr) {
			v->lastcr = 0;
			continue;
		}
		v->lastcr = c == '\r';
		v->lf[k++] = c == '\r' ? '\n' : c;
		if (k == CH) {
			if (!body(v, v->lf, k)) {
				v->failed = 1;
				return -1;
			}
			k = 0;
		}
	}
	if (!body(v, v->lf, k)) {
		v->failed = 1;
		return -1;
	}
	return 1;
}

static void
add_domain(dkv_out *o, const char *d)
{
	size_t l = strlen(o->domains), dl = strlen(d), i;
	const char *p = o->domains;

	if (!*d)
		return;
	while (*p) {                 /* already listed? */
		const char *c = strchr(p, ',');
		size_t pl = c ? (size_t)(c - p) : strlen(p);

		if (pl == dl && strncasecmp(p, d, dl) == 0)
			return;
		p += pl + (c != 0);
	}
	if (l + dl + 2 > sizeof o->domains)
		return;
	if (l)
		o->domains[l++] = ',';
	for (i = 0; i < dl; i++)
		o->domains[l + i] = d[i] > 32 && d[i] < 127 ? d[i] : '?';
	o->domains[l + dl] = 0;
}

int
dkv_end(dkv *v, dkv_out *o)
{
	size_t i;

	if (v->failed)
		return -1;
	if (v->phase == PH_HEADER) {     /* no empty line: all header */
		if (v->h.len && !v->linestart &&
		    !header_byte(v, '\n', v->raw))
			return -1;
		v->hraw_end = v->raw;
		v->phase = PH_BODY;
		if (!end_of_header(v, v->c.servid))
			return -1;
	} else if (v->phase == PH_BODY && v->bodylast != -1 &&
	    v->bodylast != '\n') {
		if (!body(v, "\n", 1))
			return -1;
	}
	memset(o, 0, sizeof *o);
	o->nskip = v->spoof.nskip;
	o->skipfull = v->spoof.skipfull;
	memcpy(o->skip_off, v->spoof.skip_off, sizeof o->skip_off);
	memcpy(o->skip_len, v->spoof.skip_len, sizeof o->skip_len);
	dkv_dk_end(v->dk, o);
	if (dkv_dkim_end(v->dkim, o) < 0)
		return -1;
	if (v->hbad && o->dk != 'C') {
		o->dk = 'H';
		o->dkcomment = dkv_dk_comment('H');
		o->ar.dk.res = "temperror";
		o->ar.dk.comment = o->dkcomment;
	}
	add_domain(o, o->ar.dk.d);
	for (i = 0; i < o->ar.ndkim; i++)
		add_domain(o, o->ar.dkim[i].d);
	reset(v);
	return 1;
}
