/* SPDX-License-Identifier: MIT */
/*
 * config_scan.c: libconfig 1.5 silently truncates integer literals that do
 * not fit (timeout = 4294967306 reads as 10), so the loader re-reads the
 * text libconfig accepted and notes every such literal, for a strict error.
 */
#include "config_impl.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '*';
}

/* Does the integer literal tok (valid libconfig) lose bits in 1.5? */
static bool literal_overflows(const char *tok, size_t len)
{
	char digits[64];
	size_t n = len;
	bool is64 = false, hex;
	const char *p = digits;

	while (n > 0 && tok[n - 1] == 'L') {
		is64 = true;
		n--;
	}
	if (n >= sizeof(digits))
		return true;
	memcpy(digits, tok, n);
	digits[n] = '\0';
	hex = n > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
	errno = 0;
	if (hex) {
		unsigned long long v = strtoull(p, NULL, 16);

		return errno == ERANGE ||
		       v > (is64 ? (unsigned long long)LLONG_MAX
				 : (unsigned long long)INT_MAX);
	} else {
		long long v = strtoll(p, NULL, 10);

		return errno == ERANGE ||
		       (!is64 && (v < INT_MIN || v > INT_MAX));
	}
}

static int note(struct loader *ld, const char *file, unsigned line,
		const char *tok, size_t len)
{
	struct cfg_overflow *o;

	if (ld->n_overflows == ld->cap_overflows) {
		size_t cap = ld->cap_overflows ? ld->cap_overflows * 2 : 8;
		struct cfg_overflow *grown = malloc(cap * sizeof(*grown));

		if (grown == NULL)
			return -1;
		if (ld->n_overflows > 0)
			memcpy(grown, ld->overflows,
			       ld->n_overflows * sizeof(*grown));
		free(ld->overflows);
		ld->overflows = grown;
		ld->cap_overflows = cap;
	}
	o = &ld->overflows[ld->n_overflows++];
	o->file = file;
	o->line = line;
	o->used = false;
	if (len >= sizeof(o->text))
		len = sizeof(o->text) - 1;
	memcpy(o->text, tok, len);
	o->text[len] = '\0';
	return 0;
}

/*
 * Follows libconfig's lexer only as far as needed: comments, strings and
 * names are skipped; what is left that starts like a number is a number,
 * since libconfig has already accepted the text.
 */
int cfg_scan_overflows(struct loader *ld, const char *file, const char *text,
		       size_t len)
{
	size_t i = 0, start;
	unsigned line = 1;
	bool is_float;

	while (i < len) {
		char c = text[i];

		if (c == '\n') {
			line++;
			i++;
		} else if (c == '#' || (c == '/' && i + 1 < len &&
					text[i + 1] == '/')) {
			while (i < len && text[i] != '\n')
				i++;
		} else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
			for (i += 2; i < len; i++) {
				if (text[i] == '\n')
					line++;
				else if (text[i] == '*' && i + 1 < len &&
					 text[i + 1] == '/') {
					i += 2;
					break;
				}
			}
		} else if (c == '"') {
			for (i++; i < len && text[i] != '"'; i++) {
				if (text[i] == '\\' && i + 1 < len)
					i++;
				if (text[i] == '\n')
					line++;
			}
			i++;
		} else if (isalpha((unsigned char)c) || c == '*' || c == '@') {
			for (i++; i < len && name_char(text[i]); i++)
				;
		} else if (isdigit((unsigned char)c) || c == '-' || c == '+' ||
			   c == '.') {
			start = i;
			is_float = false;
			for (i++; i < len; i++) {
				char d = text[i];

				if (d == '.' || ((d == 'e' || d == 'E') &&
						 !(i > start + 1 &&
						   (text[start + 1] == 'x' ||
						    text[start + 1] == 'X'))))
					is_float = true;
				else if ((d == '+' || d == '-') &&
					 (text[i - 1] == 'e' ||
					  text[i - 1] == 'E') &&
					 is_float)
					;
				else if (!isalnum((unsigned char)d))
					break;
			}
			if (!is_float &&
			    literal_overflows(text + start, i - start) &&
			    note(ld, file, line, text + start, i - start) != 0)
				return -1;
		} else {
			i++;
		}
	}
	return 0;
}

/* An @include that cannot be read safely, as FILE:LINE. */
static void report_include(struct loader *ld, const char *file,
			   unsigned line, const char *name, const char *what)
{
	char raw[2048];

	snprintf(raw, sizeof(raw), "%s:%u: @include \"%s\": %s", file, line,
		 name, what);
	cfg_report_now(ld, raw);
}

/*
 * libconfig would read whatever an @include names: a FIFO blocks forever,
 * a directory makes its scanner call exit(), a huge file eats memory, and
 * a file including itself many times never ends. Only regular files up to
 * CFG_FILE_MAX bytes may be included, CFG_INCLUDES_MAX in all, at most 10
 * deep (libconfig's limit). The name is read as libconfig 1.5 reads it:
 * up to the closing quote, \" and \\ unescaped, any other \ dropped.
 */
int cfg_check_includes(struct loader *ld, const char *file, const char *text,
		       size_t len, int depth)
{
	static const char directive[] = "@include";
	size_t i = 0, n, dl = strlen(ld->dir);
	unsigned line = 1, at;
	char name[512], full[1100], *sub;
	struct kp_err err;
	struct stat st;
	int rc;

	while (i < len) {
		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (len - i <= sizeof(directive) ||
		    memcmp(text + i, directive, sizeof(directive) - 1) != 0)
			goto next;
		i += sizeof(directive) - 1;
		while (i < len && (text[i] == ' ' || text[i] == '\t'))
			i++;
		if (i >= len || text[i] != '"')
			goto next;
		at = line;
		for (n = 0, i++; i < len && text[i] != '"'; i++) {
			if (text[i] == '\\' && i + 1 < len) {
				if (text[i + 1] != '"' && text[i + 1] != '\\')
					continue;
				i++;
			}
			if (text[i] == '\n')
				line++;
			if (n + 1 < sizeof(name))
				name[n] = text[i];
			n++;
		}
		if (n + 1 > sizeof(name) || dl + n + 2 > sizeof(full)) {
			report_include(ld, file, at, "...", "name too long");
			goto next;
		}
		name[n] = '\0';
		if (++ld->n_includes > CFG_INCLUDES_MAX) {
			if (ld->n_includes == CFG_INCLUDES_MAX + 1)
				report_include(ld, file, at, name,
					       "more than 64 @include "
					       "directives in all");
			goto next;
		}
		/* As libconfig will read it: see read_in_dir in config.c. */
		if (name[0] == '/')
			snprintf(full, sizeof(full), "%s", name);
		else
			snprintf(full, sizeof(full), "%s/%s", ld->dir, name);
		if (stat(full, &st) != 0)
			goto next; /* "cannot open include file" */
		if (!S_ISREG(st.st_mode)) {
			report_include(ld, file, at, name, "not a regular file");
			goto next;
		}
		if (depth >= 10)
			goto next; /* libconfig refuses deeper */
		if (cfg_read_file(full, &sub, &n, NULL, &err) != 0) {
			if (err.status == KP_ENOMEM)
				return -1;
			report_include(ld, file, at, name, err.msg);
			goto next;
		}
		rc = cfg_check_includes(ld, full, sub, n, depth + 1);
		free(sub);
		if (rc != 0)
			return -1;
next:
		while (i < len && text[i] != '\n')
			i++;
		i++;
		line++;
	}
	return 0;
}
