# SPDX-License-Identifier: MIT
# CMake toolchain file: Debian arm64 (aarch64-linux-gnu) cross build, tests under qemu-aarch64.
#   cmake -S . -B build-arm64 \
#     -DCMAKE_TOOLCHAIN_FILE=contrib/cross/aarch64-linux-gnu.cmake
# contrib/cross/build-and-test arm64 installs what it needs, builds and tests.
set(KP_TRIPLET aarch64-linux-gnu)
set(KP_DEB_ARCH arm64)
set(KP_QEMU qemu-aarch64)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-common.cmake)
