/* fuzz lib/grey's settings scanner: the input is an environment, one
   "NAME=VALUE" per line; whatever is accepted is in range, whatever is
   refused names a variable of the input */
#include "grey.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ENTRIES 64

/* p lies inside one of the entries */
static int
inside(char *const *env, const char *p)
{
	size_t i;

	for (i = 0; env[i]; i++)
		if (p >= env[i] && p <= env[i] + strlen(env[i]))
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *env[ENTRIES + 1], *p;
	size_t n = 0;
	grey_cfg c;
	grey_env_err e;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	for (p = buf; n < ENTRIES && p < buf + size; ) {
		char *nl = strchr(p, '\n');

		env[n++] = p;
		if (!nl)
			break;
		*nl = 0;
		p = nl + 1;
	}
	env[n] = 0;

	memset(&e, 0, sizeof e);
	if (grey_env_scan(&c, env, &e)) {
		if (c.prefix4 > 32 || c.prefix6 > 128
		    || c.timeout < GREY_TIMEOUT_MIN
		    || c.timeout > GREY_TIMEOUT_MAX
		    || c.holdtime > GREY_HOLDTIME_MAX
		    || c.limit > GREY_LIMIT_MAX
		    || (c.log | c.log_pid | c.log_smtp | c.by_ip
		    | c.failopen) > 1
		    || c.list > GREY_LIST_BLACK)
			abort();
		if ((c.list == GREY_LIST_BLACK) != (c.blacktext != 0))
			abort();
		if ((c.dir && (!*c.dir || !inside(env, c.dir)))
		    || (c.norev && (!*c.norev || !inside(env, c.norev)))
		    || (c.remoteip && !inside(env, c.remoteip))
		    || (c.blacktext && !inside(env, c.blacktext)))
			abort();
	} else {
		if (!e.name || !e.want || !e.value || !inside(env, e.value)
		    || strncmp(e.name, "JGREYLIST_", 10))
			abort();
	}
	free(buf);
	return 0;
}
