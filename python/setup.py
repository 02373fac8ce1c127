"""setup.py: only what pyproject.toml cannot say, the cffi extension.

The extension is built by build_ffi.py from the core's sources (../core in the
repository). `python setup.py sdist` copies them into _core/ so an sdist builds
on its own."""
import os
import shutil

from setuptools import setup
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))


class SdistWithCore(sdist):
    """Carry the core's headers and sources inside the sdist."""

    def run(self) -> None:
        src = os.path.join(HERE, "..", "core")
        dst = os.path.join(HERE, "_core")
        if os.path.isdir(os.path.join(src, "include")):
            shutil.rmtree(dst, ignore_errors=True)
            for part in ("include", "src"):
                shutil.copytree(os.path.join(src, part), os.path.join(dst, part))
            shutil.copy(os.path.join(src, "sources.txt"), dst)
        super().run()


setup(
    cffi_modules=["build_ffi.py:ffibuilder"],
    cmdclass={"sdist": SdistWithCore},
)
