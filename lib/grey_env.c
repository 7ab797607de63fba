/* grey_env: the JGREYLIST* settings, read strictly (see grey.h). */
#include "grey.h"
#include "scan.h"

#include <string.h>

/* The value of name in envp, or 0; the first entry of a name counts. */
static const char *
lookup(char *const *envp, const char *name)
{
	size_t k = strlen(name);

	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, k) == 0 && (*envp)[k] == '=')
			return *envp + k + 1;
	return 0;
}

static const char *
nonempty(char *const *envp, const char *name)
{
	const char *v = lookup(envp, name);

	return v && *v ? v : 0;
}

static int
bad(grey_env_err *err, const char *name, const char *value,
    const char *want)
{
	err->name = name;
	err->value = value;
	err->want = want;
	return 0;
}

/* Unset or empty: *out stays (the default).  Else a decimal number
   <= max, or an error. */
static int
number(char *const *envp, const char *name, unsigned long max,
       const char *want, unsigned long *out, grey_env_err *err)
{
	const char *v = nonempty(envp, name);

	if (v && !scan_ulong(v, max, out))
		return bad(err, name, v, want);
	return 1;
}

/* v8's switches: a number, 0 = off, anything else = on. */
static int
flag(char *const *envp, const char *name, int *out, grey_env_err *err)
{
	unsigned long x = (unsigned long)*out;

	if (!number(envp, name, (unsigned long)-1, "a decimal number (0 = off)",
	    &x, err))
		return 0;
	*out = x != 0;
	return 1;
}

static int
prefix(char *const *envp, const char *name, unsigned int max,
       const char *want, unsigned int *out, grey_env_err *err)
{
	unsigned long x = *out;

	if (!number(envp, name, max, want, &x, err))
		return 0;
	*out = (unsigned int)x;
	return 1;
}

int
grey_env_scan(grey_cfg *c, char *const *envp, grey_env_err *err)
{
	const char *x = lookup(envp, "JGREYLIST");

	memset(c, 0, sizeof *c);
	c->list = !x ? GREY_LIST_CHECK : *x ? GREY_LIST_BLACK : GREY_LIST_WHITE;
	c->blacktext = x && *x ? x : 0;
	c->dir = nonempty(envp, "JGREYLIST_DIR");
	c->norev = nonempty(envp, "JGREYLIST_NOREV");
	c->remoteip = nonempty(envp, "TCPREMOTEIP");
	c->remotehost = nonempty(envp, "TCPREMOTEHOST");
	c->holdtime = 120;
	c->log = 1;
	c->log_pid = 1;
	c->timeout = 60;
	c->failopen = 1;

	if (!flag(envp, "JGREYLIST_LOG_PID", &c->log_pid, err)
	    || !flag(envp, "JGREYLIST_LOG", &c->log, err)
	    || !flag(envp, "JGREYLIST_LOG_SMTP", &c->log_smtp, err)
	    || !flag(envp, "JGREYLIST_BY_IP", &c->by_ip, err)
	    || !flag(envp, "JGREYLIST_FAILOPEN", &c->failopen, err))
		return 0;
	if (!number(envp, "JGREYLIST_HOLDTIME", GREY_HOLDTIME_MAX,
	    "a decimal number of seconds", &c->holdtime, err)
	    || !number(envp, "JGREYLIST_TIMEOUT", (unsigned long)-1,
	    "a decimal number of seconds", &c->timeout, err)
	    || !number(envp, "JGREYLIST_LIMIT", GREY_LIMIT_MAX,
	    "a decimal number (0 = no limit)", &c->limit, err))
		return 0;
	if (c->timeout < GREY_TIMEOUT_MIN)
		c->timeout = GREY_TIMEOUT_MIN;
	if (c->timeout > GREY_TIMEOUT_MAX)
		c->timeout = GREY_TIMEOUT_MAX;

	/* BY_IP only changes the defaults of the prefix lengths */
	c->prefix4 = c->by_ip ? 32 : 24;
	c->prefix6 = c->by_ip ? 128 : 64;
	return prefix(envp, "JGREYLIST_PREFIX4", 32, "a prefix length 0-32",
	    &c->prefix4, err)
	    && prefix(envp, "JGREYLIST_PREFIX6", 128, "a prefix length 0-128",
	    &c->prefix6, err);
}
