/* Unit tests for lib/tmpl: key path templates (spec S-2, S-4). */
#include "tmpl.h"
#include "tap.h"

#include <string.h>

static void
test_next(void)
{
	const char *env = "  /k/%/a\t/k/%/b\n/fixed  ";
	const char *ctl = "# comment\n\n  /k/%/rsa  \r\n#x\n/k/%/ed\n";
	size_t pos = 0, a, n;
	char got[64];

	ok(tmpl_next(env, strlen(env), &pos, 0, &a, &n), "env: first");
	memcpy(got, env + a, n); got[n] = 0;
	is_str(got, "/k/%/a", "env: first template");
	ok(tmpl_next(env, strlen(env), &pos, 0, &a, &n), "env: second");
	memcpy(got, env + a, n); got[n] = 0;
	is_str(got, "/k/%/b", "env: second template");
	ok(tmpl_next(env, strlen(env), &pos, 0, &a, &n), "env: third");
	memcpy(got, env + a, n); got[n] = 0;
	is_str(got, "/fixed", "env: third template");
	ok(!tmpl_next(env, strlen(env), &pos, 0, &a, &n), "env: end");

	pos = 0;
	ok(tmpl_next(ctl, strlen(ctl), &pos, 1, &a, &n), "control: first");
	memcpy(got, ctl + a, n); got[n] = 0;
	is_str(got, "/k/%/rsa", "control: comments, blanks and CR skipped");
	ok(tmpl_next(ctl, strlen(ctl), &pos, 1, &a, &n), "control: second");
	memcpy(got, ctl + a, n); got[n] = 0;
	is_str(got, "/k/%/ed", "control: second line");
	ok(!tmpl_next(ctl, strlen(ctl), &pos, 1, &a, &n), "control: end");
	pos = 0;
	ok(!tmpl_next("", 0, &pos, 1, &a, &n), "empty list");
}

static void
test_expand(void)
{
	char out[TMPL_PATH_MAX], big[TMPL_PATH_MAX + 10];
	const char *t = "/etc/dkim/%/%.key";

	is_int((long)tmpl_expand(t, strlen(t), "example.com", 11, out),
	    (long)strlen("/etc/dkim/example.com/example.com.key"), "expand length");
	is_str(out, "/etc/dkim/example.com/example.com.key", "every %% replaced");
	tmpl_expand("/plain", 6, "x.y", 3, out);
	is_str(out, "/plain", "no %% : unchanged");
	ok(tmpl_has_pct(t, strlen(t)) && !tmpl_has_pct("/plain", 6), "has_pct");
	memset(big, 'a', sizeof big);
	is_int((long)tmpl_expand(big, TMPL_PATH_MAX, "x", 1, out), 0,
	    "too long: 0");
	is_int((long)tmpl_expand("%", 1, big, TMPL_PATH_MAX, out), 0,
	    "too long after expansion: 0");
	is_int((long)tmpl_expand("%", 1, "", 0, out), 0, "empty result: 0");
}

static void
test_parent(void)
{
	const char *d = "a.b.example.com";
	size_t off = 0, len = strlen(d);

	ok(tmpl_parent(d, len, &off), "a.b.example.com has a parent");
	is_str(d + off, "b.example.com", "first parent");
	ok(tmpl_parent(d, len, &off), "and another");
	is_str(d + off, "example.com", "second parent");
	ok(!tmpl_parent(d, len, &off), "no single-label parent");
	off = 0;
	ok(!tmpl_parent("example.com", 11, &off), "example.com: none");
	off = 0;
	ok(!tmpl_parent("localhost", 9, &off), "one label: none");
}

static void
test_basename(void)
{
	const char *p = "/etc/dkim/example.com/sel2026", *q = "default";

	is_str(p + tmpl_basename(p, strlen(p)), "sel2026", "basename");
	is_str(q + tmpl_basename(q, 7), "default", "no slash");
	is_int((long)tmpl_basename("/dir/", 5), 5, "trailing slash: empty");
}

int
main(void)
{
	test_next();
	test_expand();
	test_parent();
	test_basename();
	return tap_done();
}
