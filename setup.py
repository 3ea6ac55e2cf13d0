"""Builds the wheel that `pip install .` installs (pyproject.toml has the metadata): CMake builds
the `_vkception` extension (Release; the library inside it, statically), and the wheel carries it
with python/vkception/*.py and the bundled assets (assets/ -> vkception/assets/, which
vkception.assets_dir() then returns). The extension links the system's Vulkan loader and image
libraries (libpng, libjpeg, ...): the wheel is for machines with those, as tools/setup-debian.sh
installs them; it is not a manylinux wheel.

Environment:
  VKC_PREBUILT_DIR=DIR  take _vkception from the CMake build DIR (configured with
                        -DVKC_BUILD_PYTHON=ON for this Python, target _vkception built) instead
                        of building it again; setuptools' own files then go under
                        DIR/python-wheel-build, not the checkout (the ctest python.wheel)
  VKC_CMAKE_ARGS="..."  more arguments for CMake's configure step
  VKC_BUILD_JOBS=N      parallel build jobs (default: the CPU count)
Without VKC_PREBUILT_DIR the build (a few minutes) is kept in build-python/ of the checkout, so
that a second `pip install .` only rebuilds what changed.
"""
import os
import re
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

ROOT = os.path.dirname(os.path.abspath(__file__))
PREBUILT = os.environ.get("VKC_PREBUILT_DIR")
BUILD_BASE = (os.path.join(os.path.abspath(PREBUILT), "python-wheel-build") if PREBUILT
              else os.path.join(ROOT, "build-python"))


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        return re.search(r"project\(vkception VERSION ([0-9.]+)", f.read()).group(1)


class BuildPy(build_py):
    """The package's Python files, then the bundled assets inside it."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "vkception", "assets")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(os.path.join(ROOT, "assets"), target)


class BuildWithCMake(build_ext):
    """The extension from CMake's _vkception target (or VKC_PREBUILT_DIR's), not from sources."""

    def build_extension(self, ext):
        target = self.get_ext_fullpath(ext.name)
        name = os.path.basename(target)  # _vkception.cpython-311-x86_64-linux-gnu.so
        if PREBUILT:
            built = os.path.join(os.path.abspath(PREBUILT), "python", "vkception", name)
            if not os.path.isfile(built):
                sys.exit(f"VKC_PREBUILT_DIR: {built} is missing (build the _vkception target "
                         f"there with -DVKC_BUILD_PYTHON=ON for {sys.executable})")
        else:
            import pybind11  # Debian's python3-pybind11

            cmake_dir = os.path.join(BUILD_BASE, "cmake")
            configure = ["cmake", "-S", ROOT, "-B", cmake_dir, "-DCMAKE_BUILD_TYPE=Release",
                         "-DVKC_BUILD_TESTS=OFF", "-DVKC_BUILD_APPS=OFF", "-DVKC_BUILD_PYTHON=ON",
                         f"-DPython3_EXECUTABLE={sys.executable}",
                         f"-Dpybind11_DIR={pybind11.get_cmake_dir()}"]
            configure += shlex.split(os.environ.get("VKC_CMAKE_ARGS", ""))
            jobs = os.environ.get("VKC_BUILD_JOBS") or str(os.cpu_count() or 1)
            subprocess.run(configure, check=True)
            subprocess.run(["cmake", "--build", cmake_dir, "--target", "_vkception", "-j", jobs],
                           check=True)
            built = os.path.join(cmake_dir, "python", "vkception", name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(built, target)


os.makedirs(BUILD_BASE, exist_ok=True)
setup(
    version=project_version(),
    packages=["vkception"],
    package_dir={"vkception": "python/vkception"},
    ext_modules=[Extension("vkception._vkception", sources=[])],
    cmdclass={"build_py": BuildPy, "build_ext": BuildWithCMake},
    options={"build": {"build_base": BUILD_BASE}, "egg_info": {"egg_base": BUILD_BASE}},
    zip_safe=False,
)
