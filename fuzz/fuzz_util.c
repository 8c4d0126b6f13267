// SPDX-License-Identifier: GPL-2.0-only
/* Splitting one fuzz input into frames or files, and the list of invariants
 * a long run tolerates (VXP_FUZZ_TOLERATE). */
#include "config.h"

#include <string.h>

#include "fuzz.h"

bool fuzz_next_piece(const uint8_t **data, size_t *size, const char *sep, const uint8_t **ret_piece,
		     size_t *ret_len)
{
	size_t seplen = strlen(sep);
	const uint8_t *at;

	if (!*data)
		return false;
	at = memmem(*data, *size, sep, seplen);
	*ret_piece = *data;
	if (!at) {
		*ret_len = *size;
		*data = NULL;
		*size = 0;
		return true;
	}
	*ret_len = (size_t)(at - *data);
	*size -= *ret_len + seplen;
	*data = at + seplen;
	return true;
}

bool fuzz_name_listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}
