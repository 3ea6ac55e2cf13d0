#!/usr/bin/env bash
# Installs what vkception needs on Debian 12 (run as root), then configures and builds.
# clang and its runtimes are for the sanitizer and fuzzer stages of tools/run-tests.sh; pybind11
# and numpy build the Python module, pip/setuptools/wheel/venv its wheel (pip install .),
# pytest/torch/torchvision/distributed test it and the Dask example; PIL checks the multi-crop
# boxes and pixels (tests/crops) and makes the decoders' fixtures (tests/io/image_fixtures.py);
# giflib, libwebp, libheif (HEIF and AVIF through its libde265, dav1d and aom) and libtiff are the
# optional image decoders (src/CMakeLists.txt); GTK 4 builds vkc-view, which xvfb, xauth and
# xdotool test without a display.
# Usage: tools/setup-debian.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build}
if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
# The :arm64 packages below are for the aarch64 cross-build tested under qemu (test stage 4). It
# builds without the optional image decoders (off when cross-compiling: it tests the ops, not
# decoding), so their :arm64 packages are not needed.
$SUDO dpkg --add-architecture arm64
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config glslang-tools libvulkan-dev vulkan-tools \
  mesa-vulkan-drivers vulkan-validationlayers libgtest-dev libstb-dev \
  nlohmann-json3-dev zlib1g-dev libpng-dev libjpeg62-turbo-dev dataset-fashion-mnist python3 \
  libgif-dev libwebp-dev libheif-dev libtiff-dev \
  clang libclang-rt-14-dev \
  python3-pil \
  pybind11-dev python3-pybind11 python3-dev python3-numpy python3-pytest python3-torch \
  python3-torchvision python3-distributed \
  python3-pip python3-setuptools python3-wheel python3-venv \
  libgtk-4-dev xvfb xauth xdotool >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends \
  crossbuild-essential-arm64 qemu-user-static libvulkan-dev:arm64 libstb-dev:arm64 \
  zlib1g-dev:arm64 libpng-dev:arm64 libjpeg62-turbo-dev:arm64 libgtest-dev:arm64 \
  mesa-vulkan-drivers:arm64 vulkan-validationlayers:arm64 >/dev/null
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j"$(nproc)"
