# Cross-build for 64-bit Arm Linux on Debian 12 (crossbuild-essential-arm64 and the :arm64
# -dev packages that tools/setup-debian.sh installs with `dpkg --add-architecture arm64`).
# Programs run on the build machine (glslangValidator) are the host's; libraries and headers
# are the arm64 multiarch ones. Tests and gtest discovery run under qemu-user.
# Usage: cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH "")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
find_program(VKC_QEMU_AARCH64 qemu-aarch64-static qemu-aarch64)
if(VKC_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${VKC_QEMU_AARCH64})
endif()
# The Python module would be built for the host's interpreter: not in a cross-build.
set(CMAKE_DISABLE_FIND_PACKAGE_pybind11 ON)
# GCC's note that aarch64 passes some structures differently since GCC 10.1 (-Wpsabi): every
# object here is built by the one compiler.
set(CMAKE_CXX_FLAGS_INIT "-Wno-psabi")
