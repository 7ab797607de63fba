/* grey_decide: the pure decisions of jgreylist and jgreylist-clean. */
#include "grey.h"

#include <string.h>

enum grey_result
grey_decide(time_t mtime, time_t now, unsigned long hold)
{
	long long age = (long long)now - (long long)mtime;

	/* a clock stepped back would keep a key "too soon" for as long */
	if (age < -(long long)GREY_FUTURE_SLACK)
		return GREY_FIRST;
	return age >= (long long)hold ? GREY_KNOWN : GREY_SOON;
}

enum grey_clean
grey_clean_judge(time_t atime, time_t mtime, time_t now,
                 unsigned long max_age, unsigned long one_age)
{
	long long age = (long long)now - (long long)atime;

	if (age > (long long)max_age)
		return GREY_OLD;
	if (one_age && atime == mtime && age > (long long)one_age)
		return GREY_ONCE;
	return GREY_KEEP;
}

/* s[0..n) into out[k..size-1), bytes that could end or bend a reply
   line shown as '?'. */
static size_t
put(char *out, size_t k, size_t size, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && k + 1 < size; i++)
		out[k++] = (unsigned char)s[i] < 32 || s[i] == 127 ? '?' : s[i];
	return k;
}

size_t
grey_deny_text(char *out, size_t size, const char *text, const char *ip)
{
	const char *pct = strchr(text, '%');
	size_t k = put(out, 0, size, "553 DENIED ", 11);

	if (pct) {
		k = put(out, k, size, text, (size_t)(pct - text));
		if (ip)
			k = put(out, k, size, ip, strlen(ip));
		text = pct + 1;
	}
	k = put(out, k, size, text, strlen(text));
	out[k] = 0;
	return k;
}
