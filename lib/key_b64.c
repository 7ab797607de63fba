/* key_b64: base64 encoding and strict decoding (for keys, records, b=). */
#include "key.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int
val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
key_b64_char(char c)
{
	return val(c) >= 0;
}

size_t
key_b64_encode(const unsigned char *p, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16 |
		    (unsigned long)p[i + 1] << 8 | p[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < n) {
		unsigned long v = (unsigned long)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	return o;
}

/* Quads of 4 symbols; a final quad may end with "=" or "=="; blanks are
   ignored anywhere; nothing but blanks may follow the padding. */
int
key_b64_decode(const char *s, size_t n, unsigned char *out, size_t max,
               size_t *outlen)
{
	unsigned long acc = 0;
	size_t i, o = 0;
	int k = 0, pad = 0;

	for (i = 0; i < n; i++) {
		char c = s[i];
		int v;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			if (k < 2)
				return 0;
			pad++;
			if (k + pad > 4)
				return 0;
			continue;
		}
		if (pad || (v = val(c)) < 0)
			return 0;
		acc = acc << 6 | (unsigned long)v;
		if (++k == 4) {
			if (max - o < 3)
				return 0;
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
			k = 0;
		}
	}
	if (pad && k + pad != 4)
		return 0;
	if (k == 1)
		return 0;
	if (k >= 2) {
		if (max - o < (size_t)(k - 1))
			return 0;
		acc <<= 6 * (4 - k);
		out[o++] = (unsigned char)(acc >> 16);
		if (k == 3)
			out[o++] = (unsigned char)(acc >> 8);
	}
	*outlen = o;
	return 1;
}
