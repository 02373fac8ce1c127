'use strict';
// Paths for binding.gyp: the core's C sources and include folders, relative to
// the package, from ./core (a packed tarball) or ../core (the repository), and
// the libraries it links. Sources and libraries come from core/sources.txt, the
// list CMake and the Python build read too.
const fs = require('fs');
const path = require('path');

const pkg = path.join(__dirname, '..');
const core = ['core', path.join('..', 'core')].find((c) => fs.existsSync(path.join(pkg, c, 'src')));
if (!core) {
  console.error('spoor: the C core was not found in ./core or ../core');
  process.exit(1);
}
const list = (kind) => fs.readFileSync(path.join(pkg, core, 'sources.txt'), 'utf8').split('\n')
  .map((line) => line.trim().split(' ')).filter(([k, v]) => k === kind && v).map(([, v]) => v);
const what = process.argv[2];
if (what === 'sources') {
  console.log(list('source').map((f) => path.join(core, f)).join(' '));
} else if (what === 'libraries') {
  console.log(list('library').map((l) => `-l${l}`).join(' '));
} else if (what === 'includes') {
  console.log([path.join(core, 'include'), path.join(core, 'src')].join(' '));
} else {
  console.log(core);
}
