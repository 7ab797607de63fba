/* dns_scan: the pure text parsers of the dns module (see dns.h):
   $DNSCACHEIP and the two text forms of domain names. */
#include "dns.h"
#include "ip.h"
#include "scan.h"

#include <string.h>

#define WIRE_MAX 255    /* RFC 1035: a name, length bytes included */
#define LABEL_MAX 63

static int
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == ',';
}

/* "53", "5353": decimal 1..65535, the whole of s[0..n). */
static int
port_scan(const char *s, size_t n, unsigned int *port)
{
	unsigned long v;

	if (!scan_ulongn(s, n, 65535, &v) || v == 0)
		return 0;
	*port = (unsigned int)v;
	return 1;
}

/*
 * One entry, s[0..n), no separators inside:
 *   [v6]  [v6]:port   -- brackets: IPv6 only
 *   v4    v4:port     -- no colon, or exactly one
 *   v6                -- two colons or more: bare IPv6, port 53
 */
static int
server_scan(const char *s, size_t n, dns_server *out)
{
	const char *colon;
	size_t i, colons = 0;

	out->port = 53;
	if (n > 0 && s[0] == '[') {
		const char *end = memchr(s, ']', n);
		size_t len;

		if (!end)
			return 0;
		len = (size_t)(end - s) - 1;
		if (len == 0 || ip6_scan(s + 1, len, out->ip) != len)
			return 0;
		i = len + 2;    /* past ']' */
		if (i == n)
			return 1;
		if (s[i] != ':')
			return 0;
		return port_scan(s + i + 1, n - i - 1, &out->port);
	}
	for (i = 0; i < n; i++)
		if (s[i] == ':')
			colons++;
	if (colons >= 2)
		return n > 0 && ip6_scan(s, n, out->ip) == n;
	if (colons == 0)
		return n > 0 && ip4_scan(s, n, out->ip) == n;
	colon = memchr(s, ':', n);
	i = (size_t)(colon - s);
	if (i == 0 || ip4_scan(s, i, out->ip) != i)
		return 0;
	return port_scan(colon + 1, n - i - 1, &out->port);
}

int
dns_servers_scan(const char *s, size_t n, dns_server *out, size_t max)
{
	size_t i = 0, count = 0;

	for (;;) {
		size_t start;

		while (i < n && is_sep(s[i]))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && !is_sep(s[i]))
			i++;
		if (count == max)
			return -1;      /* too many: an error, not a silent cut */
		if (!server_scan(s + start, i - start, &out[count]))
			return -1;
		count++;
	}
	return count ? (int)count : -1;
}

/*
 * Names.  Both text forms are decoded into the wire form (length-prefixed
 * labels, a final 0; at most 255 bytes) and encoded again from it, so the
 * limits are checked in one place.
 */
enum esc { ESC_ARES, ESC_DJB };

static int
is_digit(char c, enum esc e)
{
	return c >= '0' && c <= (e == ESC_DJB ? '7' : '9');
}

/* The escape after a backslash at s[*i] (*i already past the '\').
   c-ares writes \DDD (exactly three decimal digits); djb reads \o, \oo
   or \ooo (octal).  Any other byte after the '\' stands for itself. */
static int
esc_scan(const char *s, size_t n, size_t *i, enum esc e, unsigned char *c)
{
	unsigned int v = 0, digits = 0, base = e == ESC_DJB ? 8 : 10;

	if (*i == n)
		return 0;
	if (!is_digit(s[*i], e)) {
		*c = (unsigned char)s[(*i)++];
		return 1;
	}
	while (digits < 3 && *i < n && is_digit(s[*i], e)) {
		v = v * base + (unsigned int)(s[(*i)++] - '0');
		digits++;
	}
	if (v > 255 || (e == ESC_ARES && digits != 3))
		return 0;
	*c = (unsigned char)v;
	return 1;
}

static int
wire_scan(unsigned char wire[WIRE_MAX], const char *s, size_t n, enum esc e)
{
	size_t i = 0, w = 0, lab;

	if (n == 1 && s[0] == '.')
		n = 0;
	for (;;) {
		if (i == n)
			break;
		lab = w++;      /* the length byte */
		while (i < n && s[i] != '.') {
			unsigned char c = (unsigned char)s[i++];

			if (c == '\\' && !esc_scan(s, n, &i, e, &c))
				return -1;
			if (w - lab > LABEL_MAX || w >= WIRE_MAX - 1)
				return -1;
			wire[w++] = c;
		}
		if (w - lab == 1)
			return -1;      /* empty label */
		wire[lab] = (unsigned char)(w - lab - 1);
		if (i == n)
			break;
		i++;            /* the '.'; a last one ends the name */
	}
	wire[w++] = 0;
	return (int)w;
}

static int
djb_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_';
}

int
dns_name_djb(char out[DNS_NAME_FMT], const char *s, size_t n)
{
	unsigned char wire[WIRE_MAX];
	size_t i = 0, o = 0;

	if (wire_scan(wire, s, n, ESC_ARES) < 0)
		return -1;
	while (wire[i]) {
		size_t end = i + 1 + wire[i];

		if (o)
			out[o++] = '.';
		for (i++; i < end; i++) {
			unsigned char c = wire[i];

			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			if (djb_literal(c)) {
				out[o++] = (char)c;
				continue;
			}
			out[o++] = '\\';
			out[o++] = (char)('0' + (c >> 6));
			out[o++] = (char)('0' + ((c >> 3) & 7));
			out[o++] = (char)('0' + (c & 7));
		}
	}
	out[o] = 0;
	return (int)o;
}

int
dns_name_ares(char out[DNS_NAME_FMT], const char *s, size_t n)
{
	unsigned char wire[WIRE_MAX];
	size_t i = 0, o = 0;

	if (wire_scan(wire, s, n, ESC_DJB) < 0)
		return -1;
	while (wire[i]) {
		size_t end = i + 1 + wire[i];

		if (o)
			out[o++] = '.';
		for (i++; i < end; i++) {
			char c = (char)wire[i];

			if (c == 0)
				return -1;
			if (c == '.' || c == '\\')
				out[o++] = '\\';
			out[o++] = c;
		}
	}
	out[o] = 0;
	return (int)o;
}
