/* env: environment changes as data until exec, see env.h. */
#include "env.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

int
envmod_setb(envmod *m, const char *name, size_t namelen,
            const char *value, size_t valuelen)
{
	size_t old = m->b.len;

	if (namelen == 0 || memchr(name, '=', namelen) ||
	    memchr(name, 0, namelen) ||
	    (value && memchr(value, 0, valuelen))) {
		errno = EINVAL;
		return 0;
	}
	if (!m->b.max)
		m->b.max = ENVMOD_MAX;
	if (!sbuf_catb(&m->b, name, namelen) ||
	    (value && (!sbuf_catc(&m->b, '=') ||
	               !sbuf_catb(&m->b, value, valuelen))) ||
	    !sbuf_cat0(&m->b)) {
		m->b.len = old;
		return 0;
	}
	return 1;
}

int
envmod_set(envmod *m, const char *name, const char *value)
{
	return envmod_setb(m, name, strlen(name), value,
	    value ? strlen(value) : 0);
}

/* Length of the name part of a record or environ entry. */
static size_t
namelen(const char *r)
{
	const char *eq = strchr(r, '=');

	return eq ? (size_t)(eq - r) : strlen(r);
}

/* The last record for name, or NULL. */
static const char *
lastrec(const envmod *m, const char *name, size_t nlen)
{
	const char *found = 0;
	size_t i = 0;

	while (i < m->b.len) {
		const char *r = m->b.s + i;
		size_t rl = strlen(r);
		if (namelen(r) == nlen && memcmp(r, name, nlen) == 0)
			found = r;
		i += rl + 1;
	}
	return found;
}

const char *
envmod_get(const envmod *m, const char *name)
{
	size_t nlen = strlen(name);
	const char *r = lastrec(m, name, nlen);

	if (r)
		return r[nlen] == '=' ? r + nlen + 1 : 0;
	return getenv(name);
}

void
envmod_reset(envmod *m)
{
	sbuf_reset(&m->b);
}

int
envmod_exec(const envmod *m, char *const argv[])
{
	size_t nenv = 0, nmod = 0, i, k = 0;
	char **envp;

	for (i = 0; environ[i]; i++)
		nenv++;
	for (i = 0; i < m->b.len; i += strlen(m->b.s + i) + 1)
		nmod++;
	envp = calloc(nenv + nmod + 1, sizeof *envp);
	if (!envp) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; environ[i]; i++)
		if (!lastrec(m, environ[i], namelen(environ[i])))
			envp[k++] = environ[i];
	for (i = 0; i < m->b.len; i += strlen(m->b.s + i) + 1) {
		const char *r = m->b.s + i;
		size_t nl = namelen(r);
		/* only the last change of a name counts, and unsets add nothing */
		if (lastrec(m, r, nl) == r && r[nl] == '=')
			envp[k++] = (char *)r;
	}
	envp[k] = 0;
	env_execvp(argv, envp);
	free(envp);
	return -1;
}

int
env_execvp(char *const argv[], char *const envp[])
{
	execvpe(argv[0], argv, envp);
	return -1;
}
