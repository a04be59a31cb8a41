# SPDX-License-Identifier: MIT
# CMake toolchain file: Debian armhf (arm-linux-gnueabihf) cross build, tests under qemu-arm.
#   cmake -S . -B build-armhf \
#     -DCMAKE_TOOLCHAIN_FILE=contrib/cross/arm-linux-gnueabihf.cmake
# contrib/cross/build-and-test armhf installs what it needs, builds and tests.
set(KP_TRIPLET arm-linux-gnueabihf)
set(KP_DEB_ARCH armhf)
set(KP_QEMU qemu-arm)
set(CMAKE_SYSTEM_PROCESSOR arm)
include(${CMAKE_CURRENT_LIST_DIR}/linux-gnu-common.cmake)
