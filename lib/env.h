#ifndef ENV_H
#define ENV_H
/*
 * env: environment changes kept as data until exec (djb pathexec_env).
 * envmod_set(m, "A", "x") records A=x, envmod_set(m, "A", NULL) records an
 * unset; the last change of a name wins.  envmod_exec() merges the changes
 * with environ once and execs argv[0] through $PATH.  environ itself is
 * never edited.
 */
#include <stddef.h>
#include "sbuf.h"

typedef struct envmod {
	sbuf b;       /* "NAME=VALUE\0" or "NAME\0" (unset) records */
} envmod;

#define ENVMOD_MAX (256u * 1024)
#define ENVMOD_INIT { SBUF_INIT(ENVMOD_MAX) }

int envmod_set(envmod *m, const char *name, const char *value);
int envmod_setb(envmod *m, const char *name, size_t namelen,
                const char *value, size_t valuelen);
/* The value NAME will have in the new program: the last change, else
   getenv(); NULL when unset. */
const char *envmod_get(const envmod *m, const char *name);
void envmod_reset(envmod *m);
/* Builds the merged environment and execs; returns only on failure
   (errno set, ENOENT if not found on $PATH). */
int envmod_exec(const envmod *m, char *const argv[]);
/* Exec through $PATH with the given environment (execvpe). */
int env_execvp(char *const argv[], char *const envp[]);

#endif
