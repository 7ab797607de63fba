#ifndef RULES_H
#define RULES_H
/*
 * rules: tcprules source lines, rule keys and lookup order, cdb records.
 * Format and semantics: ../shared/spec/ucspi.md sections 1.5-1.7, 2.2 and
 * section 6 items 21-23 and 27-36.
 *
 * Record data is a sequence of NUL-terminated instructions:
 *   "D"            deny
 *   "+NAME=VALUE"  set NAME to VALUE
 * anything else is ignored (djb).
 */
#include <stddef.h>
#include "sbuf.h"

/* ---- source lines (tcprules6) ------------------------------------------ */
enum {
	RULES_SKIP = 0,   /* comment, blank, or no ':' at all (djb skips) */
	RULES_OK = 1,
	RULES_ERR = -1,   /* "unable to parse this line" */
	RULES_ENOMEM = -2
};
/* Called once per key the line expands to (IPv4 ranges give several). */
typedef int (*rules_emit_fn)(void *ctx, const char *key, size_t keylen,
                             const char *data, size_t datalen);
/*
 * Parses one line, given without its trailing '\n' (trailing spaces and
 * tabs are stripped here; '\r' is not).  The address ends at the first ':'
 * followed by "allow" or "deny" (Fefe; never loops).  IPv4 ranges expand as
 * djb; exact IPv6 addresses (also after "info@") are normalised to ip6_fmt;
 * CIDR "addr/len" becomes the canonical ip_cidr_fmt key (/32 and /128 the
 * exact address); "=..." and other keys are stored verbatim.
 * Returns RULES_OK (emit was called for each key; an emit error < 0 is
 * returned as is), RULES_SKIP, RULES_ERR or RULES_ENOMEM.
 */
int rules_line(const char *line, size_t len, rules_emit_fn emit, void *ctx);

/* ---- lookup (tcpserver6, tcprulescheck6) ---------------------------------- */
/* Returns 1 if the key exists (first key found wins), 0 if not, -1 on a
   read error (errno set). */
typedef int (*rules_find_fn)(void *ctx, const char *key, size_t keylen);
/*
 * Tries the keys for a client in the documented order (spec item 21/22):
 * info@IP, info@=host, IP, =host, IP prefixes (IPv4: CIDR /31../1 with the
 * dotted "a.b.c." "a.b." "a." keys just before /24 /16 /8; IPv6: CIDR
 * /127../1 then Fefe's textual ':' prefixes; then 0.0.0.0/0 or ::/0),
 * =host suffixes longest first, "=", the empty key.
 * ip is the TCPREMOTEIP text; info and host may be NULL.  The key that
 * matched is left in *matched.  Returns 1 matched, 0 no key, -1 error.
 */
int rules_lookup(const char *ip, const char *info, const char *host,
                 rules_find_fn find, void *ctx, sbuf *matched);

/* The same against a cdb file (tinycdb), opened and closed in the call.
   On a match the record data is copied to *data.  Returns 1, 0 or -1
   (errno set; ENOENT when the file does not exist). */
int rules_cdb(const char *file, const char *ip, const char *info,
              const char *host, sbuf *matched, sbuf *data);

/* ---- records -------------------------------------------------------------- */
/* Called for each instruction in order: deny=1 for "D"; deny=0 with
   name/value for "+NAME=VALUE" ("+" without "=" and unknown bytes are
   skipped).  A nonzero return stops the walk and is returned. */
typedef int (*rules_instr_fn)(void *ctx, int deny, const char *name,
                              size_t namelen, const char *value,
                              size_t valuelen);
int rules_record(const char *data, size_t len, rules_instr_fn fn, void *ctx);

#endif
