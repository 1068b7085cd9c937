"""Bundles libwxface into the wheel, which is therefore platform-specific.

The library comes from $WXFACE_LIBRARY, else from the repository's
target/debug (run `cargo build` first). ctypes needs no
particular Python ABI, so the wheel is tagged py3-none-<platform>: this
machine's platform, or $WXFACE_WHEEL_PLATFORM (manylinux2014_x86_64,
manylinux2014_aarch64), which scripts/package-wheels.sh sets after
checking that the library needs nothing newer than glibc 2.17.
"""

import os
import shutil
import sys
import sysconfig

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
NAME = {"win32": "wxface.dll", "darwin": "libwxface.dylib"}.get(sys.platform, "libwxface.so")


def find_library():
    env = os.environ.get("WXFACE_LIBRARY")
    tried = [env] if env else []
    tried.append(os.path.join(REPO, "target", "debug", NAME))
    for path in tried:
        if path and os.path.isfile(path):
            return path
    sys.exit("wxface wheel: libwxface not found; set WXFACE_LIBRARY. Tried: " + ", ".join(tried))


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "wxface", NAME)
        shutil.copyfile(find_library(), target)
        os.chmod(target, 0o755)


class BinaryDistribution(Distribution):
    # The bundled library makes the package platform-specific: install it
    # as platlib, not purelib.
    def has_ext_modules(self):
        return True


# The tags a release wheel may carry; each is checked by package-wheels.sh.
RELEASE_PLATFORMS = ("manylinux2014_x86_64", "manylinux2014_aarch64")


class PlatformWheel(bdist_wheel):
    def get_tag(self):
        plat = os.environ.get("WXFACE_WHEEL_PLATFORM")
        if plat and plat not in RELEASE_PLATFORMS:
            sys.exit("wxface wheel: WXFACE_WHEEL_PLATFORM must be one of " + ", ".join(RELEASE_PLATFORMS))
        if not plat:
            plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
        return "py3", "none", plat


setup(distclass=BinaryDistribution, cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel})
