/* fuzz lib/rules line parser: emitted records are well formed, stripping
   is stable, and an emitted key compiles back to itself */
#include "rules.h"
#include "ip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct seen {
	size_t linelen;
	int has_nul;   /* a NUL in a name or value splits records (as djb) */
	int keys;
	char key[256];
	size_t keylen;
};

static int
check(void *ctx, const char *key, size_t keylen, const char *data,
      size_t datalen)
{
	struct seen *s = ctx;
	size_t i = 0;

	if (keylen > s->linelen + IP_CIDR_FMT || datalen > s->linelen)
		abort();
	/* data: optional "D\0" first, then "+NAME=VALUE\0" records */
	if (datalen >= 2 && data[0] == 'D') {
		if (data[1])
			abort();
		i = 2;
	}
	while (i < datalen && !s->has_nul) {
		const char *end = memchr(data + i, 0, datalen - i);
		if (!end || data[i] != '+' || !memchr(data + i, '=', (size_t)(end - data) - i))
			abort();
		i = (size_t)(end - data) + 1;
	}
	if (s->keys++ == 0 && keylen < sizeof s->key) {
		memcpy(s->key, key, keylen);
		s->keylen = keylen;
	}
	return 0;
}

static int
run(const char *line, size_t n, struct seen *s)
{
	int r;

	memset(s, 0, sizeof *s);
	s->linelen = n;
	s->has_nul = memchr(line, 0, n) != 0;
	s->keylen = (size_t)-1;
	r = rules_line(line, n, check, s);
	if (r != RULES_OK && r != RULES_SKIP && r != RULES_ERR &&
	    r != RULES_ENOMEM)
		abort();
	if (r != RULES_OK && s->keys)
		abort();
	return r;
}

/* re-compile "KEY:allow" when the key cannot be a range or be stripped */
static void
roundtrip(const struct seen *s)
{
	char buf[256 + 8];
	struct seen again;
	const char *k = s->key;
	size_t n = s->keylen;

	if (n == (size_t)-1 || n == 0 || k[0] == '#' || memchr(k, '-', n) ||
	    k[n - 1] == ' ' || k[n - 1] == '\t' || k[n - 1] == '\n')
		return;
	memcpy(buf, k, n);
	memcpy(buf + n, ":allow", 6);
	if (run(buf, n + 6, &again) != RULES_OK || again.keys != 1 ||
	    again.keylen != n || memcmp(again.key, k, n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen a, b;
	char *copy;
	int r;

	if (size > 4096)
		return 0;
	r = run((const char *)data, size, &a);
	roundtrip(&a);
	/* trailing blanks never change the outcome */
	copy = malloc(size + 2);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memcpy(copy + size, " \t", 2);
	if (size && data[0] != '#' && run(copy, size + 2, &b) != r)
		abort();
	free(copy);
	return 0;
}
