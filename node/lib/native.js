'use strict';
// Loads the compiled addon from this package's own build folder, whatever the cwd.
const path = require('path');
const { makeError } = require('./errors');

function load() {
  const root = path.join(__dirname, '..');
  const tried = [];
  for (const rel of ['build/Release/spoor.node', 'build/Debug/spoor.node']) {
    const file = path.join(root, rel);
    try {
      return require(file);
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
      tried.push(file);
    }
  }
  throw new Error(`spoor: the native addon is not built (looked for ${tried.join(', ')}); ` +
    'run `npm rebuild spoor` (or `npm install` in the package folder), which runs node-gyp rebuild');
}

const native = load();
native.setErrorFactory(makeError);
module.exports = native;
