/* SPDX-License-Identifier: MIT */
/*
 * jsonata_lex.c: the tokenizer, after jsonata 2.1.1's (parser.js
 * "tokenizer"), including its error codes S0101-S0105 and its positions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsonata_int.h"
#include "util.h"

/* Offset in UTF-16 code units of byte_off, as JavaScript counts. */
int lex_pos(const char *src, size_t byte_off)
{
	int pos = 0;

	for (size_t i = 0; i < byte_off && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		if ((c & 0xC0) != 0x80)
			pos += c >= 0xF0 ? 2 : 1;
	}
	return pos;
}

int lex_column(const char *src, size_t byte_off)
{
	return lex_pos(src, byte_off) + 1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v';
}

/* Characters that end a name: jsonata's operator table. */
static bool is_op_char(char c)
{
	return c != '\0' && strchr(".[]{}(),@#;:?+-*/%|=<>^&!~", c) != NULL;
}

static const char *const TWO_CHAR_OPS[] = {
	"..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??"
};

static const char *const ONE_CHAR_OPS[] = {
	".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":", "?",
	"+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~"
};

static void set_tok(struct lexer *lx, struct token *tok, enum tk kind,
		    size_t start)
{
	tok->kind = kind;
	tok->start = start;
	tok->pos = lex_pos(lx->src, lx->at);
}

void lex_outside(struct lexer *lx, size_t byte_off, const char *what)
{
	if (lx->outside_what == NULL || byte_off < lx->outside_at) {
		lx->outside_what = what;
		lx->outside_at = byte_off;
	}
}

/*
 * jsonata's scanRegex: the pattern ends at the first unescaped "/" outside
 * brackets (S0301, S0302); the flags "i" and "m" may follow. The token
 * keeps the pattern (str, len) and the flags (num: 1 = i, 2 = m).
 */
static int lex_regex(struct lexer *lx, struct token *tok)
{
	size_t start = lx->at, i = lx->at + 1;
	int depth = 0, flags = 0;

	for (; i < lx->len; i++) {
		char c = lx->src[i];
		bool escaped = lx->src[i - 1] == '\\';

		if (c == '/' && depth == 0) {
			size_t back = 0;

			while (lx->src[i - back - 1] == '\\')
				back++;
			if (back % 2 == 0) {
				if (i == start + 1)
					return jn_error(lx->err, "S0301", lex_pos(lx->src, i),
							"Empty regular expressions are not allowed");
				tok->str = arena_alloc(lx->arena, i - start);
				if (tok->str == NULL)
					return jn_error(lx->err, "K0003", 0, "out of memory");
				tok->len = i - start - 1;
				memcpy(tok->str, lx->src + start + 1, tok->len);
				tok->str[tok->len] = '\0';
				i++;
				while (i < lx->len && (lx->src[i] == 'i' || lx->src[i] == 'm'))
					flags |= lx->src[i++] == 'i' ? 1 : 2;
				lx->at = i;
				set_tok(lx, tok, TK_REGEX, start);
				tok->num = flags;
				return 0;
			}
		}
		if ((c == '(' || c == '[' || c == '{') && !escaped)
			depth++;
		if ((c == ')' || c == ']' || c == '}') && !escaped)
			depth--;
	}
	return jn_error(lx->err, "S0302", lex_pos(lx->src, lx->len),
			"No terminating / in regular expression");
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "\uXXXX": up to 4 hex digits, all of them hex (JS /^[0-9a-fA-F]+$/). */
static int unicode_escape(struct lexer *lx, unsigned *cp)
{
	size_t k;
	unsigned v = 0;

	for (k = 0; k < 4 && lx->at + 1 + k < lx->len; k++) {
		int h = hex_value(lx->src[lx->at + 1 + k]);

		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	if (k == 0)
		return -1;
	*cp = v;
	lx->at += 4; /* jsonata skips 4 even when fewer were left */
	return 0;
}

/* A high surrogate not followed by a low one stays a lone code unit. */
static void flush_high(char *out, size_t *o, unsigned *high)
{
	if (*high != 0)
		*o += kp_utf8_put(out + *o, *high);
	*high = 0;
}

static int lex_string(struct lexer *lx, struct token *tok)
{
	char quote = lx->src[lx->at];
	size_t start = lx->at;
	char *out = arena_alloc(lx->arena, lx->len - lx->at + 4);
	size_t o = 0;
	unsigned high = 0; /* a pending high surrogate from \uD8xx */

	if (out == NULL)
		return jn_error(lx->err, "K0003", 0, "out of memory");
	lx->at++;
	while (lx->at < lx->len) {
		char c = lx->src[lx->at];

		if (c == '\\') {
			const char *esc = "\"\"\\\\//b\bf\fn\nr\rt\t";
			const char *hit;
			unsigned cp;

			c = ++lx->at < lx->len ? lx->src[lx->at] : '\0';
			if (c == 'u') {
				if (unicode_escape(lx, &cp) != 0)
					return jn_error(lx->err, "S0104", lex_pos(lx->src, lx->at),
							"The escape sequence \\u must be followed by 4 hex digits");
				if (high != 0 && cp >= 0xDC00 && cp <= 0xDFFF) {
					cp = 0x10000 + ((high - 0xD800) << 10) + (cp - 0xDC00);
					high = 0;
				}
				flush_high(out, &o, &high);
				if (cp >= 0xD800 && cp <= 0xDBFF)
					high = cp;
				else
					o += kp_utf8_put(out + o, cp);
			} else if (c != '\0' && (hit = strchr(esc, c)) != NULL &&
				   ((hit - esc) % 2) == 0) {
				flush_high(out, &o, &high);
				out[o++] = hit[1];
			} else {
				return jn_error(lx->err, "S0103", lex_pos(lx->src, lx->at),
						"Unsupported escape sequence: \\%c", c);
			}
		} else if (c == quote) {
			flush_high(out, &o, &high);
			lx->at++;
			out[o] = '\0';
			tok->str = out;
			tok->len = o;
			set_tok(lx, tok, TK_STR, start);
			return 0;
		} else {
			flush_high(out, &o, &high);
			out[o++] = c;
		}
		lx->at++;
	}
	return jn_error(lx->err, "S0101", lex_pos(lx->src, lx->len),
			"String literal must be terminated by a matching quote");
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* (0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)? at lx->at; 0 if none. */
static size_t number_length(const struct lexer *lx)
{
	const char *s = lx->src + lx->at;
	size_t n = lx->len - lx->at, i = 0, k;

	if (n == 0 || !is_digit(s[0]))
		return 0;
	if (s[0] == '0')
		i = 1;
	else
		while (i < n && is_digit(s[i]))
			i++;
	if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
		i += 2;
		while (i < n && is_digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		k = i + 1;
		if (k < n && (s[k] == '+' || s[k] == '-'))
			k++;
		if (k < n && is_digit(s[k])) {
			while (k < n && is_digit(s[k]))
				k++;
			i = k;
		}
	}
	return i;
}

static int lex_number(struct lexer *lx, struct token *tok, size_t n)
{
	size_t start = lx->at;
	double v = json_parse_number(lx->src + start, n);

	if (v > 1.7976931348623157e308) {
		lx->at += n;
		return jn_error(lx->err, "S0102", lex_pos(lx->src, start),
				"Number out of range: %.*s", (int)n, lx->src + start);
	}
	lx->at += n;
	tok->num = v;
	set_tok(lx, tok, TK_NUM, start);
	return 0;
}

static int lex_name(struct lexer *lx, struct token *tok)
{
	size_t start = lx->at, end = lx->at;
	const char *s = lx->src;
	bool var = s[start] == '$';
	char *name;
	size_t from = start + (var ? 1 : 0), len;

	while (end < lx->len && !is_space(s[end]) && !is_op_char(s[end]))
		end++;
	lx->at = end;
	len = end - from;
	if (!var) {
		static const char *const words[] = { "or", "in", "and", "true",
						     "false", "null" };

		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			if (strlen(words[i]) == len && memcmp(words[i], s + from, len) == 0) {
				set_tok(lx, tok, i < 3 ? TK_OP : TK_VALUE, start);
				tok->id = words[i];
				return 0;
			}
		}
		if (len == 0 && end == lx->len) {
			set_tok(lx, tok, TK_END, start);
			return 0;
		}
	}
	name = arena_alloc(lx->arena, len + 1);
	if (name == NULL)
		return jn_error(lx->err, "K0003", 0, "out of memory");
	memcpy(name, s + from, len);
	name[len] = '\0';
	tok->str = name;
	tok->len = len;
	set_tok(lx, tok, var ? TK_VAR : TK_NAME, start);
	return 0;
}

static int lex_backtick(struct lexer *lx, struct token *tok)
{
	size_t start = lx->at;
	const char *end = memchr(lx->src + start + 1, '`', lx->len - start - 1);
	size_t len;
	char *name;

	if (end == NULL) {
		lx->at = lx->len;
		return jn_error(lx->err, "S0105", lex_pos(lx->src, lx->len),
				"Quoted property name must be terminated with a backquote (`)");
	}
	len = (size_t)(end - (lx->src + start + 1));
	name = arena_alloc(lx->arena, len + 1);
	if (name == NULL)
		return jn_error(lx->err, "K0003", 0, "out of memory");
	memcpy(name, lx->src + start + 1, len);
	name[len] = '\0';
	lx->at = start + len + 2;
	tok->str = name;
	tok->len = len;
	set_tok(lx, tok, TK_NAME, start);
	return 0;
}

int lex_next(struct lexer *lx, bool prefix_mode, struct token *tok)
{
	const char *s = lx->src;
	size_t i;

	memset(tok, 0, sizeof(*tok));
	tok->id = "";
	if (lx->at >= lx->len) {
		set_tok(lx, tok, TK_END, lx->len);
		return 0;
	}
	for (;;) { /* white space and comments, in a loop: no recursion per comment */
		while (lx->at < lx->len && is_space(s[lx->at]))
			lx->at++;
		if (lx->at + 1 < lx->len && s[lx->at] == '/' && s[lx->at + 1] == '*') {
			const char *end = strstr(s + lx->at + 2, "*/");

			if (end == NULL)
				return jn_error(lx->err, "S0106", lex_pos(s, lx->at),
						"Comment has no closing tag");
			lx->at = (size_t)(end - s) + 2;
			continue;
		}
		break;
	}
	if (lx->at >= lx->len) {
		set_tok(lx, tok, TK_END, lx->len);
		return 0;
	}
	if (!prefix_mode && lx->at < lx->len && s[lx->at] == '/')
		return lex_regex(lx, tok);
	for (i = 0; i < sizeof(TWO_CHAR_OPS) / sizeof(TWO_CHAR_OPS[0]); i++) {
		if (lx->at + 1 < lx->len && s[lx->at] == TWO_CHAR_OPS[i][0] &&
		    s[lx->at + 1] == TWO_CHAR_OPS[i][1]) {
			lx->at += 2;
			set_tok(lx, tok, TK_OP, lx->at - 2);
			tok->id = TWO_CHAR_OPS[i];
			return 0;
		}
	}
	for (i = 0; lx->at < lx->len && i < sizeof(ONE_CHAR_OPS) / sizeof(ONE_CHAR_OPS[0]); i++) {
		if (s[lx->at] == ONE_CHAR_OPS[i][0]) {
			lx->at++;
			set_tok(lx, tok, TK_OP, lx->at - 1);
			tok->id = ONE_CHAR_OPS[i];
			return 0;
		}
	}
	if (lx->at < lx->len && (s[lx->at] == '"' || s[lx->at] == '\''))
		return lex_string(lx, tok);
	if ((i = number_length(lx)) > 0)
		return lex_number(lx, tok, i);
	if (lx->at < lx->len && s[lx->at] == '`')
		return lex_backtick(lx, tok);
	return lex_name(lx, tok);
}
