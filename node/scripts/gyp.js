'use strict';
// What binding.gyp asks for: the core's C sources and include folders, relative to
// the package, from ./core (a packed tarball) or ../core (the repository); the
// libraries it links; and the linker flags. Sources and libraries come from
// core/sources.txt, the list CMake and the Python build read too.
//
// SPOOR_STATIC_DEPS=<folder> (node/scripts/pack.sh sets it for the prebuilt addon):
// link the libraries statically from that folder's link.txt (one argument a line,
// made by packaging/static-deps, the folder the Python wheel links from), so the
// addon needs nothing but glibc and libstdc++ on the machine it runs on.
const fs = require('fs');
const path = require('path');

const pkg = path.join(__dirname, '..');
const core = ['core', path.join('..', 'core')].find((c) => fs.existsSync(path.join(pkg, c, 'src')));
if (!core) {
  console.error('spoor: the C core was not found in ./core or ../core');
  process.exit(1);
}
const staticDeps = process.env.SPOOR_STATIC_DEPS;
const lines = (file) => fs.readFileSync(file, 'utf8').split('\n').map((line) => line.trim());
const list = (kind) => lines(path.join(pkg, core, 'sources.txt'))
  .map((line) => line.split(' ')).filter(([k, v]) => k === kind && v).map(([, v]) => v);

function addonApiIncludes() {
  // Resolved from the package itself: node-addon-api is its own dependency.
  let index;
  try {
    index = require.resolve('node-addon-api', { paths: [pkg] });
  } catch {
    console.error(`spoor: node-addon-api is not installed for ${pkg}; run npm install there`);
    process.exit(1);
  }
  return [path.resolve(require(index).include_dir)]; // relative to the cwd
}

const what = process.argv[2];
if (what === 'sources') {
  console.log(list('source').map((f) => path.join(core, f)).join(' '));
} else if (what === 'libraries') {
  const link = staticDeps ? lines(path.join(staticDeps, 'link.txt')).filter(Boolean)
    : list('library').map((l) => `-l${l}`);
  console.log(link.join(' '));
} else if (what === 'includes') {
  const dirs = [...addonApiIncludes(), path.join(core, 'include'), path.join(core, 'src')];
  if (staticDeps) dirs.push(path.join(staticDeps, 'include'));
  console.log(dirs.join(' '));
} else if (what === 'ldflags') {
  // Export only what Node looks up; the core's spoor_* functions and, in a static
  // build, curl's and OpenSSL's stay private to the addon, so they cannot clash with
  // Node's own OpenSSL or another copy of libspoor in the process.
  console.log(`-Wl,--version-script=${path.join(pkg, 'src', 'addon.map')}`);
} else {
  console.log(core);
}
