/* SPDX-License-Identifier: MIT */
/* query_cmd.h: "kuma-push query EXPR [FILE]", the offline query tester. */
#ifndef KP_QUERY_CMD_H
#define KP_QUERY_CMD_H

/*
 * argv[0] is "query"; everything after it is positional (a leading "--" is
 * skipped), so an EXPR such as "-data[0].created" is an expression.
 * Prints one line on stdout: the result as JSON, "undefined", or
 * "ERROR <code> <message>". Returns the exit status: 0; 65 (EX_DATAERR) for
 * an expression error or invalid JSON; 64 usage; 66 unreadable FILE (one
 * line on stderr); 71 out of memory.
 */
int query_main(int argc, char **argv);

#endif
