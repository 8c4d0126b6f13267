/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Incremental Internet checksum updates (RFC 1624, eqn. 3):
 * HC' = ~(~HC + ~m + m'), summed over the changed 16-bit words. */
#ifndef VXP_CSUM_H
#define VXP_CSUM_H

#include <linux/types.h>
#include <bpf/bpf_helpers.h>

/* Accumulate the change of one 32-bit word (two 16-bit words: the fold below
 * reduces modulo 0xffff, where 0x10000 == 1, so byte order does not matter as
 * long as old and new values are read the same way). */
static __always_inline __u64 csum_diff32(__u64 acc, __be32 from, __be32 to)
{
	return acc + (__u32)~from + (__u32)to;
}

static __always_inline __u64 csum_diff16(__u64 acc, __be16 from, __be16 to)
{
	return acc + (__u16)~from + (__u16)to;
}

static __always_inline __u16 csum_fold64(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* Apply an accumulated difference to a stored checksum field. */
static __always_inline __sum16 csum_apply(__sum16 check, __u64 diff)
{
	return (__sum16)~csum_fold64((__u16)~check + diff);
}

#endif /* VXP_CSUM_H */
