"""setup.py: only what pyproject.toml cannot say: the cffi extension, the version
(read from the core's spoor/version.h, the one place it is written) and the abi3 tag.

The extension is built by build_ffi.py from the core's sources (../core in the
repository) and the spoor command's (../cli). `python setup.py sdist` copies them
into _core/ and _cli/ so an sdist builds on its own."""
import os
import re
import shutil
import sys
import sysconfig

from setuptools import setup
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import build_ffi  # noqa: E402  (next to this file; importing it builds nothing)


class SdistWithCore(sdist):
    """Carry the core's headers and sources, and the command's, inside the sdist."""

    def run(self) -> None:
        for name, parts in (("core", ("include", "src")), ("cli", ("src",))):
            src = os.path.join(HERE, "..", name)
            dst = os.path.join(HERE, "_" + name)
            if os.path.isdir(os.path.join(src, "src")):
                shutil.rmtree(dst, ignore_errors=True)
                for part in parts:
                    shutil.copytree(os.path.join(src, part), os.path.join(dst, part))
                shutil.copy(os.path.join(src, "sources.txt"), dst)
        super().run()


# cffi compiles the module against the stable ABI (Py_LIMITED_API) except on a
# free-threaded CPython, which has none: tag the wheel abi3, for every CPython from
# pyproject.toml's requires-python on (cp39 for ">=3.9").
with open(os.path.join(HERE, "pyproject.toml")) as f:
    oldest = re.search(r'^requires-python = ">=(\d+)\.(\d+)"', f.read(), re.M)
options = {}
if oldest and not sysconfig.get_config_var("Py_GIL_DISABLED"):
    options["bdist_wheel"] = {"py_limited_api": "cp%s%s" % oldest.groups()}

setup(
    version=build_ffi.read_version(build_ffi.find_core()),
    cffi_modules=["build_ffi.py:make_ffi"],
    cmdclass={"sdist": SdistWithCore},
    options=options,
)
