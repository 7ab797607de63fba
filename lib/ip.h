#ifndef IP_H
#define IP_H
/*
 * ip: IPv4/IPv6 text scan and format, v4-mapped addresses, prefixes.
 *
 * One representation for both families: 16 bytes, IPv4 as v4-mapped
 * (::ffff:a.b.c.d).  Scanners are pure: they read s[0..n) only, never past
 * n, and return the number of bytes consumed (0 = not an address).
 *
 * Formats:
 *   ip4_fmt   dotted quad, no leading zeros
 *   ip6_fmt   Fefe's ip6_fmt (ucspi-tcp-ipv6): lowercase, no leading zeros,
 *             the longest run of zero groups (even a single group) as "::",
 *             first run wins ties; v4-mapped as ::ffff:a.b.c.d; no special
 *             form for v4-compatible.  TCPREMOTEIP is byte-identical to
 *             Debian's tcpserver.
 *   ip6_fmt5952  RFC 5952 (as inet_ntop): a single zero group is not
 *             compressed.
 *   ip_fmt    dotted quad for v4-mapped, else ip6_fmt.
 */
#include <stddef.h>

#define IP4_FMT 16   /* "255.255.255.255" + NUL */
#define IP6_FMT 46   /* "ffff:...:255.255.255.255" + NUL */
#define IP_FMT  IP6_FMT
#define IP_CIDR_FMT (IP6_FMT + 4)  /* + "/128" */

/* a.b.c.d, each part 1-3 decimal digits, value <= 255.  Writes ip[16] as
   v4-mapped. */
size_t ip4_scan(const char *s, size_t n, unsigned char ip[16]);
/* Any RFC 4291 text form: hex groups, one "::", trailing dotted quad;
   upper or lower case; no zone (%...) and no brackets. */
size_t ip6_scan(const char *s, size_t n, unsigned char ip[16]);
/* ip4_scan, else ip6_scan. */
size_t ip_scan(const char *s, size_t n, unsigned char ip[16]);

size_t ip4_fmt(char *out, const unsigned char ip[16]);   /* IP4_FMT */
size_t ip6_fmt(char *out, const unsigned char ip[16]);   /* IP6_FMT */
size_t ip6_fmt5952(char *out, const unsigned char ip[16]);
size_t ip_fmt(char *out, const unsigned char ip[16]);    /* IP_FMT */
/* Every formatter NUL-terminates and returns the length without the NUL. */

int ip_is4(const unsigned char ip[16]);   /* v4-mapped? */

/* Zero all bits after the first len bits of the 128-bit address.  For an
   IPv4 prefix of length L use ip_mask(ip, 96 + L). */
void ip_mask(unsigned char ip[16], unsigned int len);
/* 1 if a and b agree on their first len bits. */
int ip_prefix_eq(const unsigned char a[16], const unsigned char b[16],
                 unsigned int len);

/*
 * CIDR "addr/len": IPv4 (len 0..32) or IPv6 (len 0..128).  The whole of
 * s[0..n) must be consumed.  On success stores the address (v4-mapped for
 * IPv4) and the length in the family's own terms (0..32 or 0..128) and
 * returns 1.  Returns 0 on syntax error, -1 when host bits are set
 * (e.g. 10.1.2.3/24).  An IPv4 network written in v4-mapped IPv6 form
 * (::ffff:10.0.0.0/104) is returned as the IPv4 network (10.0.0.0, 8).
 */
int ip_cidr_scan(const char *s, size_t n, unsigned char ip[16],
                 unsigned int *len);
/* Canonical CIDR key: "10.1.2.0/24", "2001:db8::/32" (ip6_fmt). */
size_t ip_cidr_fmt(char *out, const unsigned char ip[16], unsigned int len);

/* RFC 1035/3596 reverse names: "4.3.2.1.in-addr.arpa" or the 32-nibble
   ".ip6.arpa" name; out needs IP_REVNAME_FMT bytes. */
#define IP_REVNAME_FMT 74
size_t ip_revname(char *out, const unsigned char ip[16]);

#endif
