'use strict';
// Paths for binding.gyp: the core's C sources and include folders, relative to
// the package, from ./core (a packed tarball) or ../core (the repository).
const fs = require('fs');
const path = require('path');

const pkg = path.join(__dirname, '..');
const core = ['core', path.join('..', 'core')].find((c) => fs.existsSync(path.join(pkg, c, 'src')));
if (!core) {
  console.error('spoor: the C core was not found in ./core or ../core');
  process.exit(1);
}
const what = process.argv[2];
if (what === 'sources') {
  const src = path.join(core, 'src');
  const files = fs.readdirSync(path.join(pkg, src)).filter((f) => f.endsWith('.c')).sort();
  console.log(files.map((f) => path.join(src, f)).join(' '));
} else if (what === 'includes') {
  console.log([path.join(core, 'include'), path.join(core, 'src')].join(' '));
} else {
  console.log(core);
}
