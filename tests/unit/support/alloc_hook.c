/* SPDX-License-Identifier: MIT */
/*
 * alloc_hook.c: counts malloc/calloc/realloc calls and fails the armed one.
 * Linked only into tests/unit/test_oom*.c, with -Wl,--wrap=... so that
 * every call in kp_core's objects lands here (libraries' calls do not).
 */
#include "alloc_hook.h"

#include <stddef.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *ptr, size_t size);

static unsigned long hook_count;   /* allocations since armed */
static unsigned long hook_fail_at; /* 0: never */
static bool hook_failed;

void alloc_hook_fail_at(unsigned long n)
{
	hook_count = 0;
	hook_fail_at = n;
	hook_failed = false;
}

unsigned long alloc_hook_count(void)
{
	return hook_count;
}

bool alloc_hook_failed(void)
{
	return hook_failed;
}

void alloc_hook_reset(void)
{
	alloc_hook_fail_at(0);
}

/* Counts one allocation; true when this one must fail. */
static bool must_fail(void)
{
	hook_count++;
	if (hook_fail_at != 0 && hook_count == hook_fail_at) {
		hook_failed = true;
		return true;
	}
	return false;
}

void *__wrap_malloc(size_t size)
{
	return must_fail() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return must_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
	/* realloc(p, 0) frees on glibc: nothing is allocated, so it is
	 * neither counted nor failed. */
	if (ptr != NULL && size == 0)
		return __real_realloc(ptr, size);
	return must_fail() ? NULL : __real_realloc(ptr, size);
}
