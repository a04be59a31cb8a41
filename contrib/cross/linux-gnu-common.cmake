# SPDX-License-Identifier: MIT
# Shared by the Debian multiarch toolchain files in this directory. The file
# that includes this one sets KP_TRIPLET (GNU triplet), KP_DEB_ARCH (Debian
# architecture), KP_QEMU (qemu-user binary) and CMAKE_SYSTEM_PROCESSOR.
#
# Needs: dpkg --add-architecture KP_DEB_ARCH, crossbuild-essential-KP_DEB_ARCH,
# libcurl4-openssl-dev:KP_DEB_ARCH, libconfig-dev:KP_DEB_ARCH,
# libcmocka-dev:KP_DEB_ARCH (tests), libjsmn-dev (one header, any arch) and
# qemu-user to run the tests. contrib/cross/build-and-test installs them.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${KP_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${KP_TRIPLET})

# Multiarch: the target's libraries live in /usr/lib/KP_TRIPLET beside the
# host's, and its headers in /usr/include/KP_TRIPLET; the cross compiler
# searches both already. CMake's own find_* searches the host tree too (for
# jsmn.h, which is arch-independent), so no CMAKE_FIND_ROOT_PATH: only
# pkg-config must be kept from the host's .pc files.
#
# KP_SYSROOT (a cache variable, or the environment when first configured)
# instead names a directory into which the target's packages were unpacked
# (build-and-test --sysroot): nothing of the target is installed on the host
# then, which avoids Multi-Arch version clashes with the host's libraries.
if(NOT KP_SYSROOT AND DEFINED ENV{KP_SYSROOT})
  set(KP_SYSROOT "$ENV{KP_SYSROOT}")
endif()
set(KP_SYSROOT "${KP_SYSROOT}" CACHE PATH "Unpacked target root (optional)")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KP_SYSROOT)
if(KP_SYSROOT)
  set(CMAKE_SYSROOT ${KP_SYSROOT})
  set(ENV{PKG_CONFIG_LIBDIR}
      "${KP_SYSROOT}/usr/lib/${KP_TRIPLET}/pkgconfig:${KP_SYSROOT}/usr/share/pkgconfig")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "${KP_SYSROOT}")
else()
  set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${KP_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
endif()
set(ENV{PKG_CONFIG_PATH} "")

# ctest runs every target binary (unit tests) through qemu-user. No "-L
# /usr/KP_TRIPLET": that would load the cross toolchain's own libc
# (libc6-KP_DEB_ARCH-cross, an older build) under the multiarch libcurl, and
# with it the first pthread_create (libcurl's resolver thread) spins forever
# under qemu 7.2. Without -L, qemu takes the loader and every library from
# the multiarch install (libc6:KP_DEB_ARCH), as on the real machine.
# With KP_SYSROOT, -L KP_SYSROOT is right: loader, libc and libraries all
# come from the one unpacked tree.
find_program(KP_QEMU_PATH ${KP_QEMU})
if(KP_QEMU_PATH AND KP_SYSROOT)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${KP_QEMU_PATH} -L ${KP_SYSROOT})
elseif(KP_QEMU_PATH)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${KP_QEMU_PATH})
endif()

# The .deb, when one is made from this tree (cpack -G DEB).
set(KP_DEB_ARCH ${KP_DEB_ARCH} CACHE STRING "Debian architecture of the package")
