"""Build script for spoor's cffi extension (API, out-of-line mode).

The cdef is generated from the core's public header at build time, never kept
by hand: core/include/spoor.h is run through the C preprocessor with stub
<stddef.h>/<stdint.h> (cffi knows those types) and with SPOOR_API and
__attribute__ emptied, so what is left is exactly the enums, structs, typedefs
and functions of the public ABI. The core's C sources are compiled straight
into the extension module, linked against the system's libraries (-lcurl, ...).

With SPOOR_STATIC_DEPS=<folder made by packaging/static-deps> (ci/package does
this for the wheel) the libraries are linked statically instead, from that
folder's link.txt: an HTTP(S)-only libcurl, cJSON, OpenSSL, expat and zlib, so
the extension needs nothing but glibc. Either way the version script keeps every
symbol but the module's init function private.

The spoor command's C sources (cli/sources.txt) are compiled in as well: the
console script `spoor` (spoor/_cli.py) calls their spoor_cli_main, so the command
has one implementation. Its metrics server needs libmicrohttpd; where that is
not linked (the static wheel, or no libmicrohttpd-dev), it is compiled out and
`spoor import --metrics-port` says so.

cffi defines Py_LIMITED_API (the stable ABI), so one extension serves every
CPython 3 version; setup.py tags the wheel abi3 accordingly.
"""
from __future__ import annotations

import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

from cffi import FFI

HERE = os.path.dirname(os.path.abspath(__file__))

# The callbacks libspoor calls; cffi takes the GIL around each.
CALLBACKS = """
extern "Python" {
    void _spoor_log_cb(spoor_log_level_t level, const char *message, void *opaque);
    void _spoor_delivery_cb(const spoor_delivery_report_t *report, void *opaque);
    int _spoor_token_cb(char *buf, size_t size, void *opaque);
    spoor_hook_result_t _spoor_before_send_cb(const char *event_json, spoor_hook_reply_t *reply, void *opaque);
}
"""


# The command's entry (cli/src/cli.h), not part of libspoor's public header.
CLI_ENTRY = """
int spoor_cli_main(int argc, char **argv);
"""


def find_core() -> str:
    """The core's folder: ../core in the source tree, or the copy an sdist carries."""
    for candidate in (os.path.join(HERE, "..", "core"), os.path.join(HERE, "_core")):
        if os.path.isfile(os.path.join(candidate, "include", "spoor.h")):
            return os.path.abspath(candidate)
    sys.exit("spoor: cannot find the libspoor sources (../core or _core)")


def find_cli() -> str:
    """The command's folder: ../cli in the source tree, or the copy an sdist carries."""
    for candidate in (os.path.join(HERE, "..", "cli"), os.path.join(HERE, "_cli")):
        if os.path.isfile(os.path.join(candidate, "sources.txt")):
            return os.path.abspath(candidate)
    sys.exit("spoor: cannot find the spoor command's sources (../cli or _cli)")


def read_build_list(core: str) -> tuple[list[str], list[str]]:
    """The sources and libraries of a sources.txt (core/'s, which CMake and
    node-gyp read too, or cli/'s)."""
    sources: list[str] = []
    libraries: list[str] = []
    with open(os.path.join(core, "sources.txt")) as f:
        for line in f:
            kind, _, value = line.partition(" ")
            if kind == "source":
                sources.append(os.path.join(core, value.strip()))
            elif kind == "library":
                libraries.append(value.strip())
    return sources, libraries


def static_deps() -> tuple[list[str], list[str]]:
    """The include folder and link arguments of SPOOR_STATIC_DEPS, if it is set."""
    prefix = os.environ.get("SPOOR_STATIC_DEPS")
    if not prefix:
        return [], []
    with open(os.path.join(prefix, "link.txt")) as f:
        link = [line.strip() for line in f if line.strip()]
    return [os.path.join(prefix, "include")], link


def generate_cdef(core: str) -> str:
    """Preprocess the umbrella header into cffi cdef text."""
    cc = shlex.split(os.environ.get("CC", "cc"))
    with tempfile.TemporaryDirectory() as stubs:
        for name in ("stddef.h", "stdint.h"):
            with open(os.path.join(stubs, name), "w") as f:
                f.write("/* cffi knows size_t and the <stdint.h> types */\n")
        cmd = cc + [
            # -undef: no __GNUC__, so common.h defines SPOOR_API as nothing.
            "-E", "-P", "-nostdinc", "-undef", "-D__attribute__(x)=",
            "-I", stubs, "-I", os.path.join(core, "include"),
            os.path.join(core, "include", "spoor.h"),
        ]
        text = subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                              universal_newlines=True).stdout
    # Whatever the preprocessor left of the export macro, and blank lines.
    text = re.sub(r"\bSPOOR_API\b", "", text)
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    if not any("spoor_client_new" in line for line in lines):
        sys.exit("spoor: preprocessing spoor.h gave no declarations")
    return "\n".join(lines) + "\n"


def version_script() -> str:
    """A linker version script exporting only the module's init function, so
    the core's spoor_* symbols stay private to the extension and cannot clash
    with another copy of libspoor in the same process."""
    folder = os.path.join(HERE, "build")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "spoor_cffi.map")
    with open(path, "w") as f:
        f.write("{ global: PyInit__spoor_cffi; local: *; };\n")
    return path


def has_microhttpd() -> bool:
    """Whether libmicrohttpd can be linked (its -dev package is installed)."""
    try:
        return subprocess.run(["pkg-config", "--exists", "libmicrohttpd"]).returncode == 0
    except OSError:
        return False


def make_ffi() -> FFI:
    core, cli = find_core(), find_cli()
    ffi = FFI()
    ffi.cdef(generate_cdef(core) + CALLBACKS + CLI_ENTRY)
    sources, libraries = read_build_list(core)
    cli_sources, cli_libraries = read_build_list(cli)
    static_includes, static_link = static_deps()
    macros = [("SPOOR_BUILDING", None), ("_GNU_SOURCE", None)]
    if static_link or not has_microhttpd():
        cli_libraries.remove("microhttpd")
        macros.append(("SPOOR_CLI_NO_METRICS", None))
    libraries += [lib for lib in cli_libraries if lib not in libraries]
    if static_link:
        libraries = []  # link.txt stands for every library of sources.txt
    ffi.set_source(
        "spoor._spoor_cffi",
        '#include "spoor.h"\n#include "cli.h"\n',
        sources=sources + cli_sources,
        include_dirs=[os.path.join(core, "include"), os.path.join(core, "src"), os.path.join(cli, "src")]
        + static_includes,
        define_macros=macros,
        extra_compile_args=["-std=gnu11", "-fvisibility=hidden", "-Wno-unused-parameter"],
        libraries=libraries,
        extra_link_args=static_link + ["-Wl,--version-script=" + version_script()],
        # Rebuild when any core header changes, not only a .c file.
        depends=sorted(glob.glob(os.path.join(core, "include", "**", "*.h"), recursive=True)
                       + glob.glob(os.path.join(core, "src", "*.h")) + glob.glob(os.path.join(cli, "src", "*.h"))),
    )
    return ffi


def read_version(core: str) -> str:
    """The version, from spoor/version.h (the one place it is written)."""
    with open(os.path.join(core, "include", "spoor", "version.h")) as f:
        text = f.read()
    parts = [re.search(r"#define SPOOR_VERSION_%s (\d+)" % part, text) for part in ("MAJOR", "MINOR", "PATCH")]
    if not all(parts):
        sys.exit("spoor: cannot read the version from spoor/version.h")
    return ".".join(m.group(1) for m in parts if m)


if __name__ == "__main__":
    if sys.argv[1:] == ["--cdef"]:
        print(generate_cdef(find_core()), end="")
    elif sys.argv[1:] == ["--version"]:
        print(read_version(find_core()))
    else:
        make_ffi().compile(verbose=True)
