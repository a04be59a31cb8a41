/* SPDX-License-Identifier: MIT */
/* json_write.h: appending JSON text (request bodies we send). */
#ifndef KP_JSON_WRITE_H
#define KP_JSON_WRITE_H

#include "buf.h"

/* Appends s (UTF-8) as a JSON string literal with quotes and escapes. */
enum kp_status json_write_string(struct buf *out, const char *s);

#endif
