/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing and printing of the addresses the configuration names: an IPv4 or
 * IPv6 address, optionally with a port ("10.0.0.1:80", "[fd00::1]:80"). */
#ifndef VXP_ADDR_H
#define VXP_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include "vxlan_pipeline.h"

#define ADDR_STR_MAX 64 /* "[" IPv6 "]:" port and the NUL */

/* An address alone; returns its VXP_AF_* family, or -1. */
int addr_parse(const char *s, union vxp_addr *ret_addr);
/* An address with an optional port (0 when absent). Returns the family, or -1
 * for a bad address, -2 for a bad port. */
int addr_parse_port(const char *s, union vxp_addr *ret_addr, uint16_t *ret_port);
void addr_format(int family, const union vxp_addr *a, uint16_t port, char *buf, size_t size);

struct sockaddr_storage;
/* A socket address; a NULL address is the family's any-address. */
void addr_sockaddr(int family, const union vxp_addr *a, uint16_t port, struct sockaddr_storage *ret,
		   unsigned *ret_len);

#endif /* VXP_ADDR_H */
