'use strict';
// The addon exports only the Node-API hooks Node looks up when it loads a .node
// (src/addon.map): libspoor's spoor_* functions, and in the prebuilt addon curl's and
// OpenSSL's, stay private, so they cannot clash with Node's own OpenSSL or another copy
// of libspoor in the process. Checked on the file this package actually loads.
const { it } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('child_process');
const path = require('path');
const spoor = require('..');

const hooks = new Set(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);

it('the loaded addon exports only the Node-API hooks (nm -D)', () => {
  assert.equal(typeof spoor.Client, 'function');   // loaded, so the file below is the one in use
  const file = require('node-gyp-build').resolve(path.join(__dirname, '..'));
  const exported = execFileSync('nm', ['-D', '--defined-only', file], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map((line) => line.trim().split(/\s+/).pop());
  assert.ok(exported.includes('napi_register_module_v1'), `${file} exports ${exported.join(' ')}`);
  assert.deepEqual(exported.filter((s) => !hooks.has(s)), [], `${file} exports more than the Node-API hooks`);
});
