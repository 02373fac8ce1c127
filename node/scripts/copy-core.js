'use strict';
// prepack: copy the repository's C core (../core) into the package (./core) so the
// tarball `npm pack` makes compiles anywhere. ./core is ignored by git.
const fs = require('fs');
const path = require('path');

const pkg = path.join(__dirname, '..');
const from = path.join(pkg, '..', 'core');
const to = path.join(pkg, 'core');
if (process.argv[2] === '--clean') {
  // postpack: drop the copy again, so the repository builds from ../core.
  if (fs.existsSync(path.join(from, 'src'))) fs.rmSync(to, { recursive: true, force: true });
  process.exit(0);
}
if (!fs.existsSync(path.join(from, 'src'))) {
  if (fs.existsSync(path.join(to, 'src'))) process.exit(0); // already a packed copy
  console.error('spoor: ../core not found; run npm pack from the repository');
  process.exit(1);
}
fs.rmSync(to, { recursive: true, force: true });
for (const dir of ['include', 'src']) {
  fs.cpSync(path.join(from, dir), path.join(to, dir), { recursive: true });
}
fs.copyFileSync(path.join(from, 'sources.txt'), path.join(to, 'sources.txt'));
console.error(`spoor: copied ${from} into ${to}`);
