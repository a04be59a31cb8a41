# SPDX-License-Identifier: MIT
# CMake toolchain file: Debian mipsel (mipsel-linux-gnu) cross build, tests under qemu-mipsel.
#   cmake -S . -B build-mipsel \
#     -DCMAKE_TOOLCHAIN_FILE=contrib/cross/mipsel-linux-gnu.cmake
# contrib/cross/build-and-test mipsel installs what it needs, builds and tests.
set(KP_TRIPLET mipsel-linux-gnu)
set(KP_DEB_ARCH mipsel)
set(KP_QEMU qemu-mipsel)
set(CMAKE_SYSTEM_PROCESSOR mipsel)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-common.cmake)
