'use strict';
// Loads the native addon through node-gyp-build, whatever the cwd: this package's own
// build (build/Release, build/Debug: built from source) if there is one, else the
// prebuilt addon for this platform (prebuilds/linux-x64/ in the npm tarball).
const path = require('path');
const { makeError } = require('./errors');

function load() {
  const root = path.join(__dirname, '..');
  let why;
  try {
    return require('node-gyp-build')(root);
  } catch (e) {
    // Not found (no build, no prebuild for this platform, or node-gyp-build itself
    // missing because the install ran no scripts on a linked folder): say what to run.
    // Any other failure (a build that does not load) is the user's to see as it is.
    if (e.code !== 'MODULE_NOT_FOUND' && !/^No native build was found/.test(e.message)) throw e;
    why = e.message.trim();
  }
  throw new Error(`spoor: the native addon is not built (${why}); ` +
    'run `npm rebuild spoor` (or `npm install` in the package folder), which builds it with node-gyp');
}

const native = load();
native.setErrorFactory(makeError);
module.exports = native;
