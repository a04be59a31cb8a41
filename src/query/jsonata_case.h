/* SPDX-License-Identifier: MIT */
/*
 * jsonata_case.h: JavaScript's case mappings (jsonata_case_tab.c is
 * generated) and the lookup (jsonata_case.c).
 */
#ifndef KP_JSONATA_CASE_H
#define KP_JSONATA_CASE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct jn_case_run {
	uint32_t start, end; /* code points start, start + stride, ... end */
	int32_t delta;       /* added to each */
	uint32_t stride;     /* 1 or 2 */
};

struct jn_case_multi {
	uint32_t cp;
	uint32_t to[3]; /* zero-terminated when shorter */
};

extern const struct jn_case_run JN_LOWER_RUNS[], JN_UPPER_RUNS[];
extern const size_t JN_LOWER_NRUNS, JN_UPPER_NRUNS;
extern const struct jn_case_multi JN_LOWER_MULTI[], JN_UPPER_MULTI[];
extern const size_t JN_LOWER_NMULTI, JN_UPPER_NMULTI;

/* cp's mapping into to[0..n), n returned (1 to 3). */
int jn_case_map(uint32_t cp, bool upper, uint32_t to[3]);

#endif
