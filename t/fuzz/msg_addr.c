/* Fuzz lib/msg address parsing: the domain must be a lower-case DNS name. */
#include "msg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dom[MSG_DOMAIN_MAX + 1];
	size_t n = msg_addr_domain((const char *)data, size, dom), i;

	if (n > MSG_DOMAIN_MAX || (n && strlen(dom) != n))
		abort();
	for (i = 0; i < n; i++)
		if (!((dom[i] >= 'a' && dom[i] <= 'z') ||
		    (dom[i] >= '0' && dom[i] <= '9') || dom[i] == '-' ||
		    dom[i] == '_' || dom[i] == '.'))
			abort();
	return 0;
}
