#!/usr/bin/env bash
# The npm tarball with a prebuilt addon inside, so that installing it runs no compiler:
#   node/scripts/pack.sh OUTDIR      # writes OUTDIR/spoor-<version>.tgz and prints its path
# 1. npm pack of node/ (prepack copies the C core into it: the fallback builds from it);
# 2. in a copy of that package: prebuildify --napi builds prebuilds/linux-x64/spoor.glibc.node,
#    one Node-API binary for every Node >= 18, with libcurl (HTTP(S) only), cJSON, expat,
#    OpenSSL and zlib linked statically from packaging/static-deps (the libraries the
#    Python wheel links too), and only the Node-API hooks exported (src/addon.map);
# 3. checks that it needs nothing but glibc and libstdc++ and exports only those hooks;
# 4. npm pack again, now with prebuilds/ and its two dependencies bundled (node-gyp-build,
#    node-addon-api), so that it installs offline with nothing but the tarball.
# At install, scripts/build.js finds the prebuild loads and compiles nothing; installs that
# run no scripts (pnpm 10, --ignore-scripts) load it through node-gyp-build all the same.
# Elsewhere (another platform or libc) the install script builds from the carried sources.
#   SPOOR_STATIC_DEPS=<folder>   # use that static-deps folder (include/, link.txt) instead
# Needs what ci/setup installs, Node with its headers, and the npm registry (prebuildify,
# node-addon-api, node-gyp-build), which the tarball's users then do not.
set -euo pipefail
[ $# = 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
out=$(cd "$1" && pwd)
pkg=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$pkg/.." && pwd)
npm_q=(--no-audit --no-fund --loglevel=error)
prebuildify=prebuildify@6.0.1

deps=${SPOOR_STATIC_DEPS:-}
if [ -z "$deps" ]; then
  [ -x "$root/packaging/static-deps" ] || { echo "pack.sh: $root/packaging/static-deps not found; set SPOOR_STATIC_DEPS" >&2; exit 1; }
  deps=$("$root/packaging/static-deps")
fi
[ -f "$deps/link.txt" ] || { echo "pack.sh: $deps/link.txt not found" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

echo "pack.sh: the source package (npm pack of $pkg)" >&2
src=$(cd "$pkg" && npm pack --pack-destination "$stage" --loglevel=error | tail -n1)
tar -xzf "$stage/$src" -C "$stage"
rm "$stage/$src"
cd "$stage/package"

echo "pack.sh: the prebuilt addon ($prebuildify --napi, static libraries from $deps)" >&2
npm install --ignore-scripts --no-package-lock "${npm_q[@]}" >&2
nodeprefix=$(node -p 'require("path").resolve(process.execPath, "../..")')
[ -f "$nodeprefix/include/node/node_api.h" ] || { echo "pack.sh: Node's headers are not in $nodeprefix/include/node" >&2; exit 1; }
SPOOR_STATIC_DEPS=$deps npm_config_nodedir=$nodeprefix \
  npm exec --yes --package="$prebuildify" "${npm_q[@]}" -- \
  prebuildify --napi --strip --tag-libc --target="$(node -p process.versions.node)" >&2
addon=prebuilds/linux-x64/spoor.glibc.node
[ -f "$addon" ] || { echo "pack.sh: prebuildify made no $addon" >&2; ls -R prebuilds >&2; exit 1; }

# What it needs from the machine: glibc, libstdc++ and libgcc_s (Node itself needs them).
needed=$(readelf -d "$addon" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | tr '\n' ' ')
for lib in $needed; do
  case $lib in
  libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|ld-linux-*|libstdc++.so.*|libgcc_s.so.*) ;;
  *) echo "pack.sh: $addon needs $lib, which a bare machine lacks (needs: $needed)" >&2; exit 1 ;;
  esac
done
exports=$(nm -D --defined-only "$addon" | awk '{print $3}' | sort | tr '\n' ' ')
for sym in $exports; do
  case $sym in napi_register_module_v1|node_api_module_get_api_version_v1) ;;
  *) echo "pack.sh: $addon exports $sym (exports: $exports)" >&2; exit 1 ;;
  esac
done
glibc=$(objdump -T "$addon" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n1)
node -e 'require(process.argv[1])' "$PWD/$addon"
echo "pack.sh: $addon: $(stat -c %s "$addon") bytes; needs $needed(newest symbol $glibc); exports $exports" >&2

# node_modules stays: its two packages are bundled (bundleDependencies), so the tarball
# installs with no registry at all.
rm -rf build
tgz=$(npm pack --pack-destination "$out" --loglevel=error | tail -n1)
for dep in node-gyp-build node-addon-api; do
  tar -tzf "$out/$tgz" "package/node_modules/$dep/package.json" >/dev/null 2>&1 \
    || { echo "pack.sh: $dep is not bundled in $out/$tgz" >&2; exit 1; }
done
echo "pack.sh: $out/$tgz: $(stat -c %s "$out/$tgz") bytes" >&2
echo "$out/$tgz"
