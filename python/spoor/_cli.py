"""The ``spoor`` command (docs/cli.md), installed as this package's console script.

The command is written once, in C (cli/ in the repository), and compiled into
this package's extension module with the core; this only hands it sys.argv."""
import os
import sys


def main() -> None:
    from ._spoor_cffi import ffi, lib

    args = [ffi.new("char[]", os.fsencode(arg)) for arg in ["spoor"] + sys.argv[1:]]
    argv = ffi.new("char *[]", args + [ffi.NULL])
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(lib.spoor_cli_main(len(args), argv))


if __name__ == "__main__":
    main()
