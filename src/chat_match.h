/* SPDX-License-Identifier: MIT */
/*
 * chat_match.h: whether a model's reply says the expected text: reasoning
 * blocks removed, echoes of the prompt told apart, then matched as a whole
 * word, as the exact reply, or as a substring. Pure; every function is
 * linear in the reply.
 */
#ifndef KP_CHAT_MATCH_H
#define KP_CHAT_MATCH_H

#include <stdbool.h>
#include <stddef.h>

enum chat_match {
	CHAT_MATCH_WORD = 0, /* default: a whole word, case-insensitive */
	CHAT_MATCH_EXACT,    /* the whole trimmed reply, case-insensitive */
	CHAT_MATCH_CONTAINS  /* any substring, case-insensitive */
};

/* "word", "exact", "contains" -> *out; false for anything else. */
bool chat_match_parse(const char *name, enum chat_match *out);
const char *chat_match_name(enum chat_match how);

/*
 * Removes reasoning from text[0..len) in place and returns the new length
 * (text stays NUL-terminated when it was). A block opens with <think>,
 * <thinking> or <reasoning> and closes with any of </think>, </thinking>,
 * </reasoning> (tag names ASCII case-insensitive); blocks nest. An opening
 * tag that is never closed drops the rest of the text: a model cut off
 * while thinking has not answered. A closing tag with no opening one drops
 * everything before it: chat templates that open the block in the prompt
 * make the model send only the close.
 */
size_t chat_strip_reasoning(char *text, size_t len);

/* True when reply[0..len) contains the whole prompt (ASCII case-insensitive). */
bool chat_echoes(const char *reply, size_t len, const char *prompt);

/*
 * True when reply[0..len) says expect. WORD: expect occurs with no word
 * character touching it on either side; a word character is an ASCII
 * letter, digit or '_', or any other character except the spaces,
 * punctuation and symbols of chat_match.c's table (so letters, digits and
 * combining marks of every script touch; so do bytes that are not UTF-8).
 * EXACT: the reply, trimmed at both ends of white space, quotes (" ' and
 * the typographic ones), '*', '_' and '`', then of one final '.' or '!',
 * then trimmed again, equals expect. ASCII letters compare without case.
 */
bool chat_says(const char *reply, size_t len, const char *expect,
	       enum chat_match how);

#endif
