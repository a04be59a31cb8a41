/* SPDX-License-Identifier: MIT */
/*
 * replay.c: runs a libFuzzer harness over files without libFuzzer, so that
 * ctest replays the seed corpus (and anyone can replay a crash file).
 * Usage: replay_<harness> FILE|DIR...  (directories: their regular files,
 * in name order). Exits 1 when nothing was replayed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Reads path into an exact-size allocation, so ASan sees any overread. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		goto fail;
	}
	/* malloc(0) may return NULL: keep one byte, pass size 0. */
	data = malloc(size > 0 ? (size_t)size : 1);
	if (data == NULL) {
		fprintf(stderr, "replay: %s: out of memory\n", path);
		goto fail;
	}
	if (size > 0 && fread(data, 1, (size_t)size, f) != (size_t)size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		goto fail;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	free(data);
	return 0;
fail:
	if (f != NULL)
		fclose(f);
	free(data);
	return -1;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the regular files of dir; returns how many, or -1. */
static long replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **grown, path[4096];
	size_t n = 0, cap = 0, i;
	long done = 0;
	struct stat st;

	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	/* readdir's NULL means the end or an error: only errno tells. */
	for (errno = 0; (e = readdir(d)) != NULL; errno = 0) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL)
				goto nomem;
			names = grown;
		}
		names[n] = malloc(strlen(e->d_name) + 1);
		if (names[n] == NULL)
			goto nomem;
		strcpy(names[n++], e->d_name);
	}
	if (errno != 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		done = -1;
	}
	closedir(d);
	d = NULL;
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; done >= 0 && i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path) != 0) {
			done = -1;
			break;
		}
		done++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return done;
nomem:
	fprintf(stderr, "replay: %s: out of memory\n", dir);
	if (d != NULL)
		closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return -1;
}

int main(int argc, char **argv)
{
	long total = 0, n;
	struct stat st;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 64;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 1;
		total += n;
	}
	printf("replayed %ld input%s\n", total, total == 1 ? "" : "s");
	return total > 0 ? 0 : 1;
}
