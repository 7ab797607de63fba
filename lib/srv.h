#ifndef SRV_H
#define SRV_H
/*
 * srv: server-side bookkeeping for tcpserver6: the table of running
 * children with the client prefix each one serves (per-client limits),
 * sized once at start-up from -c, no allocation per connection.
 */
#include <stddef.h>
#include <sys/types.h>

typedef struct srv_child {
	pid_t pid;              /* 0 = free slot */
	unsigned char key[16];  /* client address masked to its prefix */
} srv_child;

typedef struct srv_children {
	srv_child *c;
	size_t max;   /* -c limit */
	size_t n;     /* running children */
} srv_children;

/* Returns 0 with errno ENOMEM on failure. */
int srv_children_init(srv_children *t, size_t max);
/* The client key: ip masked to len4 bits (IPv4, v4-mapped) or len6 bits. */
void srv_client_key(unsigned char key[16], const unsigned char ip[16],
                    unsigned int len4, unsigned int len6);
/* Running children whose key equals key. */
size_t srv_children_count(const srv_children *t, const unsigned char key[16]);
/* Records a child; returns 0 when the table is full. */
int srv_children_add(srv_children *t, pid_t pid, const unsigned char key[16]);
/* Forgets pid; returns 0 if it was not in the table. */
int srv_children_del(srv_children *t, pid_t pid);

/*
 * RFC 1413 reply parsing (tcpserver -r): drops spaces, tabs and CRs, keeps
 * everything after the third ':' up to the end of the line; collection stops
 * once more than SRV_IDENT_MAX bytes were kept (djb).  line is the reply
 * without or with its '\n' (reading stops at '\n').  Returns 1 and the
 * answer in out[0..*outlen) (out needs SRV_IDENT_MAX + 1 bytes; a NUL
 * follows only when *outlen <= SRV_IDENT_MAX), or 0 when the reply has
 * fewer than three ':'.
 */
#define SRV_IDENT_MAX 256
int srv_ident_parse(const char *line, size_t n, char *out, size_t *outlen);

/*
 * The log-field form of djb's safecats: at most 100 bytes of s ("..."
 * follows when s has 100 bytes or more), bytes < 33 or > 126 and '%' as '?', and ':' too when colon is 1.
 * out needs SRV_SAFE_FMT bytes; NUL-terminated; returns the length.
 */
#define SRV_SAFE_FMT 104
size_t srv_safe(char *out, const char *s, int colon);

#endif
