/* rbl_spec: list specs "BASE[/ipv6][=CODES]" (see rbl.h). */
#include "rbl.h"
#include "scan.h"

#include <string.h>

static int
base_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * base: labels of base bytes joined by single dots (the caller has
 * dropped one final dot).
 *   state      byte       next
 *   start      base_byte  label       ('.' or the end: error)
 *   label      base_byte  label       (more than 63: error)
 *   label      '.'        start
 *   label      the end    accept
 */
static int
base_ok(const char *s, size_t n)
{
	size_t i, label = 0;

	if (n == 0 || n > RBL_BASE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (base_byte((unsigned char)s[i])) {
			if (++label > 63)
				return 0;
		} else
			return 0;
	}
	return label > 0;
}

/* a.b.c.d, four decimal parts 0..255 of 1-3 digits: the whole of s[0..n) */
static int
quad_scan(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i = 0, part;

	for (part = 0; part < 4; part++) {
		size_t j = i;
		unsigned long x;

		while (j < n && s[j] != '.')
			j++;
		if (j - i > 3 || !scan_ulongn(s + i, j - i, 255, &x))
			return 0;
		v = v << 8 | (uint32_t)x;
		if (part < 3) {
			if (j == n)
				return 0;
			j++;
		} else if (j != n)
			return 0;
		i = j;
	}
	*out = v;
	return 1;
}

/* a.b.c.d | a.b.c.d-e.f.g.h | a.b.c.d-N, inside 127.0.0.0/8 */
static int
item_scan(const char *s, size_t n, rbl_range *r)
{
	const char *dash = memchr(s, '-', n);
	size_t k = dash ? (size_t)(dash - s) : n;
	unsigned long last;

	if (!quad_scan(s, k, &r->lo))
		return 0;
	r->hi = r->lo;
	if (dash) {
		const char *t = dash + 1;
		size_t m = n - k - 1;

		if (memchr(t, '.', m)) {
			if (!quad_scan(t, m, &r->hi))
				return 0;
		} else {
			if (m > 3 || !scan_ulongn(t, m, 255, &last))
				return 0;
			r->hi = (r->lo & 0xffffff00u) | (uint32_t)last;
		}
	}
	return r->lo <= r->hi &&
	    (r->lo & RBL_LOOPMASK) == RBL_LOOPNET &&
	    (r->hi & RBL_LOOPMASK) == RBL_LOOPNET;
}

static int
codes_scan(const char *s, size_t n, rbl_list *l)
{
	size_t i = 0;

	for (;;) {
		const char *comma = memchr(s + i, ',', n - i);
		size_t k = comma ? (size_t)(comma - (s + i)) : n - i;

		if (l->ncodes == RBL_CODES_MAX ||
		    !item_scan(s + i, k, &l->codes[l->ncodes]))
			return 0;
		l->ncodes++;
		if (!comma)
			return 1;
		i += k + 1;
	}
}

int
rbl_spec_scan(const char *s, size_t n, int withcodes, rbl_list *l)
{
	const char *eq = memchr(s, '=', n);
	size_t k = eq ? (size_t)(eq - s) : n;
	static const char label[] = "/ipv6";
	const size_t ll = sizeof label - 1;

	memset(l, 0, sizeof *l);
	if (eq && !withcodes)
		return 0;
	if (k >= ll && memcmp(s + k - ll, label, ll) == 0) {
		l->ipv6label = 1;
		k -= ll;
	}
	if (k > 0 && s[k - 1] == '.')
		k--;    /* "zen.example." is "zen.example" */
	if (!base_ok(s, k))
		return 0;
	l->base = s;
	l->baselen = k;
	if (eq && !codes_scan(eq + 1, n - (size_t)(eq - s) - 1, l))
		return 0;
	return 1;
}
