/* unit test for lib/scan: strict whole-string decimal scanning */
#include "tap.h"
#include "scan.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng = 0x2545f4914f6cdd1dULL;

static unsigned long
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned long)rng;
}

/* scan_ulongn on an exactly sized heap copy of s[0..n), so ASan sees a
   read past n; also checks *out is left alone on failure. */
static int
scann(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	char *p = malloc(n ? n : 1);
	unsigned long v = 4242;
	int r;

	if (!p)
		exit(111);
	memcpy(p, s, n);
	r = scan_ulongn(p, n, max, &v);
	free(p);
	if (!r && v != 4242) {
		printf("# out written on failure: %lu\n", v);
		return -1;
	}
	*out = v;
	return r;
}

struct accept_case {
	const char *s;
	unsigned long max;
	unsigned long want;
};

static const struct accept_case good[] = {
	{ "0", ULONG_MAX, 0 },
	{ "00", ULONG_MAX, 0 },
	{ "7", ULONG_MAX, 7 },
	{ "010", ULONG_MAX, 10 },  /* leading zeros are decimal, not octal */
	{ "0000000000000000000000000000000000000001", ULONG_MAX, 1 },
	{ "65535", 65535, 65535 },
	{ "0065535", 65535, 65535 },
	{ "4294967294", 0xfffffffeUL, 0xfffffffeUL },
	{ "18446744073709551615", ULONG_MAX, ULONG_MAX },
	{ "018446744073709551615", ULONG_MAX, ULONG_MAX },
	{ "18446744073709551614", ULONG_MAX - 1, ULONG_MAX - 1 },
	{ "0", 0, 0 },
	{ "1", 1, 1 },
	{ "5", 5, 5 },
	{ "9", 9, 9 },
	{ "10", 10, 10 },
	{ "32", 32, 32 },
	{ "128", 128, 128 },
};

struct reject_case {
	const char *s;
	unsigned long max;
	const char *why;
};

static const struct reject_case bad[] = {
	{ "", ULONG_MAX, "empty string" },
	{ "+1", ULONG_MAX, "plus sign" },
	{ "-1", ULONG_MAX, "minus sign" },
	{ "-0", ULONG_MAX, "minus zero" },
	{ " 1", ULONG_MAX, "leading space" },
	{ "1 ", ULONG_MAX, "trailing space" },
	{ "1\n", ULONG_MAX, "trailing newline" },
	{ "\t1", ULONG_MAX, "leading tab" },
	{ "1x", ULONG_MAX, "trailing junk" },
	{ "x1", ULONG_MAX, "leading junk" },
	{ "0x10", ULONG_MAX, "hex prefix" },
	{ "1.0", ULONG_MAX, "decimal point" },
	{ "1e3", ULONG_MAX, "exponent" },
	{ "1,000", ULONG_MAX, "thousands separator" },
	{ "/", ULONG_MAX, "'0'-1" },
	{ ":", ULONG_MAX, "'9'+1" },
	{ "\xb0", ULONG_MAX, "high byte" },
	{ "18446744073709551616", ULONG_MAX, "ULONG_MAX+1" },
	{ "18446744073709551620", ULONG_MAX, "ULONG_MAX+5" },
	{ "99999999999999999999", ULONG_MAX, "20 nines" },
	{ "184467440737095516150", ULONG_MAX, "ULONG_MAX*10" },
	{ "1000000000000000000000000000000", ULONG_MAX, "10^30" },
	{ "18446744073709551615", ULONG_MAX - 1, "ULONG_MAX > max" },
	{ "65536", 65535, "max+1" },
	{ "65540", 65535, "max+5" },
	{ "100000", 65535, "far above max" },
	{ "4294967295", 0xfffffffeUL, "uid -1" },
	{ "1", 0, "1 > max 0" },
	{ "9", 0, "9 > max 0" },
	{ "2", 1, "2 > max 1" },
	{ "6", 5, "6 > max 5" },
	{ "7", 5, "7 > max 5" },
	{ "8", 7, "8 > max 7" },
	{ "18", 7, "18 > max 7" },
	{ "11", 10, "11 > max 10" },
	{ "33", 32, "33 > max 32" },
	{ "39", 32, "39 > max 32" },
	{ "129", 128, "129 > max 128" },
};

static void
test_table(void)
{
	size_t i;
	unsigned long v;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		int r = scann(good[i].s, strlen(good[i].s), good[i].max, &v);
		ok(r == 1 && v == good[i].want, "accept '%s' (max %lu)",
		    good[i].s, good[i].max);
		v = 4242;
		r = scan_ulong(good[i].s, good[i].max, &v);
		ok(r == 1 && v == good[i].want, "scan_ulong accepts '%s'",
		    good[i].s);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int r = scann(bad[i].s, strlen(bad[i].s), bad[i].max, &v);
		ok(r == 0, "reject %s (max %lu)", bad[i].why, bad[i].max);
		if (r == 1)
			printf("#   got value %lu\n", v);
		ok(scan_ulong(bad[i].s, bad[i].max, &v) == 0,
		    "scan_ulong rejects (%s)", bad[i].why);
	}
}

static void
test_length(void)
{
	unsigned long v = 0;

	/* scan_ulongn stops at n: the rest of the string is not looked at */
	ok(scann("123abc", 3, ULONG_MAX, &v) == 1 && v == 123,
	    "n=3 of '123abc' is 123");
	ok(scann("12", 0, ULONG_MAX, &v) == 0, "n=0 is empty: rejected");
	ok(scann("25/128", 2, 32, &v) == 1 && v == 25, "'25' of '25/128'");
	ok(scann("33/128", 2, 32, &v) == 0, "'33' of '33/128' > 32");
	/* a NUL inside the counted bytes is junk, not an end */
	ok(scann("1\0002", 3, ULONG_MAX, &v) == 0, "embedded NUL rejected");
}

/* Every value round-trips through its decimal text; one more than max
   and any appended digit that overflows are rejected. */
static void
test_random(void)
{
	int i, bad_rt = 0, bad_max = 0, bad_strtoul = 0;
	char s[32];
	unsigned long v, got, max;

	for (i = 0; i < 20000; i++) {
		v = rnd() >> (rnd() % 64);
		max = rnd() >> (rnd() % 64);
		snprintf(s, sizeof s, "%lu", v);
		if (scan_ulong(s, ULONG_MAX, &got) != 1 || got != v)
			bad_rt++;
		if (scan_ulong(s, max, &got) != (v <= max))
			bad_max++;
		else if (v <= max && got != v)
			bad_max++;
		/* agreement with strtoul on digit strings */
		{
			char *end;
			unsigned long r;
			int want;

			errno = 0;
			r = strtoul(s, &end, 10);
			want = errno != ERANGE && *end == 0;
			if ((scan_ulong(s, ULONG_MAX, &got) == 1) != want ||
			    (want && got != r))
				bad_strtoul++;
		}
	}
	is_int(bad_rt, 0, "20000 random values round-trip");
	is_int(bad_max, 0, "20000 random values against random max");
	is_int(bad_strtoul, 0, "agreement with strtoul");
}

/* Small maxima: every one-digit and two-digit string against max 0..20 */
static void
test_small_max(void)
{
	unsigned long max, v, got;
	int bad_n = 0;
	char s[4];

	for (max = 0; max <= 20; max++)
		for (v = 0; v < 100; v++) {
			snprintf(s, sizeof s, "%lu", v);
			if (scan_ulong(s, max, &got) != (v <= max)) {
				if (bad_n < 5)
					printf("# '%s' with max %lu: %s\n", s, max,
					    v <= max ? "rejected" : "accepted");
				bad_n++;
			}
		}
	is_int(bad_n, 0, "0..99 against max 0..20");
}

int
main(void)
{
	test_table();
	test_length();
	test_random();
	test_small_max();
	return tap_done();
}
