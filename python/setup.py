# SPDX-License-Identifier: MIT
"""Builds kmq._kmq with the project's own CMake, so the extension never goes stale against the
C++ library it wraps. The source tree is this folder's parent, or KMQ_SOURCE_DIR; the CMake build
folder is KMQ_CMAKE_BUILD_DIR when set (./build.sh test shares its build), else a folder of
setuptools' build tree."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        source = Path(os.environ.get("KMQ_SOURCE_DIR", HERE.parent)).resolve()
        if not (source / "codec" / "CMakeLists.txt").exists():
            raise RuntimeError(f"kmq's C++ sources are not in {source}: set KMQ_SOURCE_DIR")
        build = Path(os.environ.get("KMQ_CMAKE_BUILD_DIR") or Path(self.build_temp) / "cmake")
        build = build.resolve()
        configure = [
            "cmake", "-S", str(source), "-B", str(build),
            "-DCMAKE_BUILD_TYPE=Release",
            "-DKMQ_BUILD_PYTHON=ON",
            f"-DPython_EXECUTABLE={sys.executable}",
        ]
        if "KMQ_CMAKE_BUILD_DIR" not in os.environ:
            configure += ["-DKMQ_BUILD_TESTS=OFF", "-DKMQ_INSTALL=OFF"]
        try:
            import pybind11  # a pip-installed pybind11 carries its CMake files

            configure.append(f"-Dpybind11_DIR={pybind11.get_cmake_dir()}")
        except (ImportError, AttributeError):
            pass  # Debian's pybind11-dev puts them where CMake looks
        subprocess.run(configure, check=True)
        jobs = str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build), "--target", "_kmq", "-j", jobs],
                       check=True)
        built = sorted((build / "python").glob("_kmq*.so")) + sorted(
            (build / "python").glob("_kmq*.pyd"))
        if not built:
            raise RuntimeError(f"the CMake build made no _kmq module in {build / 'python'}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[-1], target)


setup(ext_modules=[CMakeExtension("kmq._kmq")], cmdclass={"build_ext": CMakeBuild})
