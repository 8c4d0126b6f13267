/* SPDX-License-Identifier: GPL-2.0-only */
/* What the fuzzing harnesses share: inputs that hold several frames or files,
 * the list of tolerated invariants, and the data plane's output checks. */
#ifndef VXP_FUZZ_H
#define VXP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "dprun.h"
#include "fuzz_model.h"

/* Joins the frames of one datapath input (a first fragment, then the rest). */
#define FUZZ_FRAME_SEP	   "VXP-NEXT"
#define FUZZ_FRAME_SEP_LEN 8
#define FUZZ_FRAMES_MAX	   8
/* Joins the files of one configuration input, a line of its own: a comment
 * to libconfig, so a seed with it is still one valid file. */
#define FUZZ_FILE_SEP  "\n#--8<--\n"
#define FUZZ_FILES_MAX 4

/* The next piece of data up to sep (or its end); false when none is left. */
bool fuzz_next_piece(const uint8_t **data, size_t *size, const char *sep, const uint8_t **ret_piece,
		     size_t *ret_len);

/* Whether name is in a comma-separated list (NULL is empty). */
bool fuzz_name_listed(const char *list, const char *name);

typedef void (*fuzz_broken_fn)(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A decapsulated frame the program passed on (forwarded or to the kernel):
 * exactly the inner packet with only what NAT, DF and forwarding change, and
 * its checksums as valid as they arrived. */
void fuzz_check_output(const uint8_t *in, size_t len, const struct model_frame *m,
		       const struct dp_result *r, bool forwarded, fuzz_broken_fn broken);

/* Makes the inner IPv4 header and TCP/UDP checksums of a decapsulated frame
 * valid (an unfragmented L4 only). Returns whether a byte changed. */
bool fuzz_fix_csums(uint8_t *f, const struct model_frame *m);

#endif /* VXP_FUZZ_H */
