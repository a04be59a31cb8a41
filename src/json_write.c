/* SPDX-License-Identifier: MIT */
/* json_write.c: JSON string literals for the bodies we send. */
#include "json_write.h"

#include <stdio.h>

enum kp_status json_write_string(struct buf *out, const char *s)
{
	enum kp_status status = buf_append(out, "\"", 1);

	for (; status == KP_OK && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			status = buf_append(out, esc, 2);
		} else if (c == '\n') {
			status = buf_append(out, "\\n", 2);
		} else if (c == '\r') {
			status = buf_append(out, "\\r", 2);
		} else if (c == '\t') {
			status = buf_append(out, "\\t", 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			status = buf_append(out, esc, 6);
		} else {
			status = buf_append(out, s, 1);
		}
	}
	return status == KP_OK ? buf_append(out, "\"", 1) : status;
}
