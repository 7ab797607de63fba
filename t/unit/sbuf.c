/* unit test for lib/sbuf: growable string with a ceiling */
#include "tap.h"
#include "sbuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void
test_basic(void)
{
	sbuf b = SBUF_INIT(0);

	ok(b.s == 0 && b.len == 0, "SBUF_INIT is empty");
	ok(sbuf_catb(&b, "", 0) == 1, "append nothing");
	ok(b.s != 0 && b.len == 0 && b.s[0] == 0,
	    "after an empty append s is \"\", not NULL");
	ok(sbuf_catb(&b, "abcdef", 3) == 1, "catb 3 bytes");
	is_int((long)b.len, 3, "len 3");
	is_str(b.s, "abc", "NUL-terminated after catb");
	ok(sbuf_cats(&b, "de") == 1, "cats");
	is_str(b.s, "abcde", "contents after cats");
	ok(sbuf_catc(&b, 'f') == 1, "catc");
	is_str(b.s, "abcdef", "contents after catc");
	is_int((long)b.len, 6, "len 6");
	ok(sbuf_catb(&b, "x\0y", 3) == 1, "catb with an embedded NUL");
	is_int((long)b.len, 9, "embedded NUL counts in len");
	ok(memcmp(b.s, "abcdefx\0y", 10) == 0, "bytes kept, NUL after");
	sbuf_free(&b);
	ok(b.s == 0 && b.len == 0 && b.cap == 0, "free clears");
	ok(sbuf_cats(&b, "again") == 1 && strcmp(b.s, "again") == 0,
	    "usable after free");
	sbuf_free(&b);
}

static void
test_cat0(void)
{
	sbuf b = SBUF_INIT(0);

	ok(sbuf_cats(&b, "A=1") && sbuf_cat0(&b) && sbuf_cats(&b, "B") &&
	    sbuf_cat0(&b), "records with cat0");
	is_int((long)b.len, 6, "cat0 NULs count in len");
	ok(memcmp(b.s, "A=1\0B\0", 7) == 0, "record bytes, NUL after len");
	sbuf_free(&b);
}

static void
test_reset(void)
{
	sbuf b = SBUF_INIT(0);
	char *p;
	size_t cap;

	sbuf_reset(&b);
	ok(b.s == 0 && b.len == 0, "reset of an empty sbuf");
	sbuf_cats(&b, "hello, world");
	p = b.s;
	cap = b.cap;
	sbuf_reset(&b);
	ok(b.len == 0 && b.s[0] == 0, "reset: len 0, s is \"\"");
	ok(b.s == p && b.cap == cap, "reset keeps the memory");
	ok(sbuf_cats(&b, "hi") && strcmp(b.s, "hi") == 0,
	    "append after reset");
	sbuf_free(&b);
}

static void
test_ceiling(void)
{
	sbuf b = SBUF_INIT(10);
	size_t cap;

	ok(sbuf_cats(&b, "12345678") == 1, "8 of 10");
	errno = 0;
	ok(sbuf_cats(&b, "abc") == 0, "8+3 > 10 fails");
	is_int(errno, E2BIG, "errno E2BIG");
	ok(b.len == 8 && strcmp(b.s, "12345678") == 0,
	    "contents unchanged after E2BIG");
	ok(sbuf_cats(&b, "90") == 1, "exactly 10 fits");
	is_str(b.s, "1234567890", "contents at the ceiling");
	errno = 0;
	ok(sbuf_catc(&b, 'x') == 0 && errno == E2BIG, "one more byte: E2BIG");
	errno = 0;
	ok(sbuf_cat0(&b) == 0 && errno == E2BIG, "cat0 at the ceiling: E2BIG");
	ok(b.len == 10 && strcmp(b.s, "1234567890") == 0,
	    "still unchanged");
	ok(b.cap <= 11, "allocation stays within the ceiling (+NUL)");
	ok(sbuf_catb(&b, "", 0) == 1, "empty append at the ceiling succeeds");
	/* size arithmetic: len + n must not wrap round */
	cap = b.cap;
	errno = 0;
	ok(sbuf_catb(&b, "z", SIZE_MAX) == 0 && errno == E2BIG,
	    "n = SIZE_MAX: E2BIG, no wrap-round");
	errno = 0;
	ok(sbuf_catb(&b, "z", SIZE_MAX - 5) == 0 && errno == E2BIG,
	    "len + n just below SIZE_MAX: E2BIG");
	ok(b.len == 10 && b.cap == cap && strcmp(b.s, "1234567890") == 0,
	    "unchanged after the overflow attempts");
	sbuf_reset(&b);
	ok(sbuf_cats(&b, "0123456789") == 1, "reset frees room under the ceiling");
	sbuf_free(&b);
}

static void
test_default_ceiling(void)
{
	sbuf b = SBUF_INIT(0);
	char *big = malloc(SBUF_MAX_DEFAULT);

	if (!big)
		exit(111);
	memset(big, 'q', SBUF_MAX_DEFAULT);
	ok(sbuf_catb(&b, big, SBUF_MAX_DEFAULT - 1) == 1,
	    "default ceiling: 1 MiB - 1");
	ok(sbuf_catc(&b, 'q') == 1, "exactly SBUF_MAX_DEFAULT");
	errno = 0;
	ok(sbuf_catc(&b, 'q') == 0 && errno == E2BIG,
	    "SBUF_MAX_DEFAULT + 1: E2BIG");
	ok(b.len == SBUF_MAX_DEFAULT && b.s[b.len] == 0 &&
	    memcmp(b.s, big, SBUF_MAX_DEFAULT) == 0, "contents intact");
	sbuf_free(&b);
	free(big);
}

/* Grow byte by byte and in odd chunks well past many doublings. */
static void
test_growth(void)
{
	sbuf b = SBUF_INIT(0);
	size_t i, n = 300000, badb = 0;
	char chunk[777];

	for (i = 0; i < n; i++)
		if (!sbuf_catc(&b, (char)('a' + i % 26)))
			break;
	is_int((long)b.len, (long)n, "300000 single-byte appends");
	for (i = 0; i < b.len; i++)
		if (b.s[i] != (char)('a' + i % 26))
			badb++;
	is_int((long)badb, 0, "every byte where it was put");
	ok(b.s[b.len] == 0, "NUL at the end");
	ok(b.cap >= b.len + 1, "cap covers len + NUL");
	sbuf_reset(&b);
	for (i = 0; i < sizeof chunk; i++)
		chunk[i] = (char)i;
	for (i = 0; i < 1000; i++)
		if (!sbuf_catb(&b, chunk, sizeof chunk))
			break;
	is_int((long)b.len, 777000, "1000 appends of 777 bytes");
	badb = 0;
	for (i = 0; i < b.len; i++)
		if (b.s[i] != (char)(i % 777))
			badb++;
	is_int((long)badb, 0, "chunked contents");
	sbuf_free(&b);
}

/* max = SIZE_MAX ("no real ceiling"): max + 1 wraps to 0.  Run in a
   child so a heap overrun there cannot take the whole test down. */
static void
test_max_sizemax(void)
{
	pid_t pid = fork();
	int st;

	if (pid < 0) {
		printf("Bail out! fork\n");
		exit(1);
	}
	if (pid == 0) {
		sbuf b = SBUF_INIT(SIZE_MAX);
		size_t i;

		alarm(10);
		for (i = 0; i < 100; i++)
			if (!sbuf_cats(&b, "0123456789"))
				_exit(2);
		if (b.len != 1000 || b.cap < b.len + 1 || b.s[1000] != 0)
			_exit(3);
		for (i = 0; i < 1000; i++)
			if (b.s[i] != (char)('0' + i % 10))
				_exit(4);
		sbuf_free(&b);
		_exit(0);
	}
	while (waitpid(pid, &st, 0) < 0)
		;
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "max = SIZE_MAX: 1000 bytes appended, cap >= len + 1");
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		printf("#   child status %s %d\n",
		    WIFEXITED(st) ? "exit" : "signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

int
main(void)
{
	test_basic();
	test_cat0();
	test_reset();
	test_ceiling();
	test_default_ceiling();
	test_growth();
	test_max_sizemax();
	return tap_done();
}
