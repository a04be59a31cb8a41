/* SPDX-License-Identifier: MIT */
/* config_version.h: the libconfig version string. */
#ifndef KP_CONFIG_VERSION_H
#define KP_CONFIG_VERSION_H

#define KP_STR_(x) #x
#define KP_STR(x) KP_STR_(x)

/* "libconfig 1.5.0". */
const char *config_lib_version(void);

#endif
