/* SPDX-License-Identifier: MIT */
/* config_version.c: libconfig's version, for --version (libconfig.h stays in config*.c). */
#include "config_version.h"

#include <stdio.h>

#include <libconfig.h>

const char *config_lib_version(void)
{
	static const char version[] = "libconfig " KP_STR(LIBCONFIG_VER_MAJOR) "."
		KP_STR(LIBCONFIG_VER_MINOR) "." KP_STR(LIBCONFIG_VER_REVISION);

	return version;
}
