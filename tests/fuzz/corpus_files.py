"""What the corpus generators (make_*_corpus.py) share: where a corpus lives, and
writing its seeds. Each generator owns the files with its prefix and no others,
so seeds that merges added (hash-named) are kept."""
import glob
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
VECTORS = os.path.join(ROOT, "tests", "conformance", "vectors")


def fresh_dir(target, prefix):
    """The output folder (argv[1], or tests/fuzz/corpus/<target>), emptied of <prefix>* files."""
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fuzz", "corpus", target)
    os.makedirs(out_dir, exist_ok=True)
    for old in glob.glob(os.path.join(out_dir, prefix + "*")):
        os.remove(old)
    return out_dir


def write(seeds, out_dir):
    """Write {name: bytes} into out_dir and say how much."""
    total = 0
    for name, data in sorted(seeds.items()):
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"{len(seeds)} seeds, {total} bytes in {out_dir}")
