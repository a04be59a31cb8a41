/* SPDX-License-Identifier: MIT */
/*
 * jsonata_case.c: one code point through JavaScript's toLowerCase or
 * toUpperCase, by binary search in the generated tables.
 */
#include "jsonata_case.h"

int jn_case_map(uint32_t cp, bool upper, uint32_t to[3])
{
	const struct jn_case_multi *multi = upper ? JN_UPPER_MULTI : JN_LOWER_MULTI;
	const struct jn_case_run *runs = upper ? JN_UPPER_RUNS : JN_LOWER_RUNS;
	size_t lo = 0, hi = upper ? JN_UPPER_NMULTI : JN_LOWER_NMULTI;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (multi[mid].cp == cp) {
			int n = 0;

			while (n < 3 && multi[mid].to[n] != 0) {
				to[n] = multi[mid].to[n];
				n++;
			}
			return n;
		}
		if (multi[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	lo = 0;
	hi = upper ? JN_UPPER_NRUNS : JN_LOWER_NRUNS;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < runs[mid].start) {
			hi = mid;
		} else if (cp > runs[mid].end) {
			lo = mid + 1;
		} else {
			if ((cp - runs[mid].start) % runs[mid].stride == 0)
				cp = (uint32_t)((int32_t)cp + runs[mid].delta);
			break;
		}
	}
	to[0] = cp;
	return 1;
}
