/* SPDX-License-Identifier: MIT */
/*
 * alloc_hook.h: test-only allocation-failure injection (curl's "torture"
 * in small). Programs linked with -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc route our own code's allocations through alloc_hook.c,
 * which counts them and can make exactly one of them fail.
 */
#ifndef KP_ALLOC_HOOK_H
#define KP_ALLOC_HOOK_H

#include <stdbool.h>

/*
 * Arms the hook: resets the count to 0 and makes the n-th allocation
 * counted from now (1-based) return NULL; n == 0 never fails, only counts.
 * Only that one call fails: later ones succeed again, so cleanup paths run
 * as they would after a transient failure.
 */
void alloc_hook_fail_at(unsigned long n);

/* Allocations (malloc, calloc, realloc) since the hook was last armed. */
unsigned long alloc_hook_count(void);

/* True once the armed failure has been injected. */
bool alloc_hook_failed(void);

/* Disarms the hook (allocations pass through) and resets the count. */
void alloc_hook_reset(void);

#endif
