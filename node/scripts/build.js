'use strict';
// `npm install` runs this: node-gyp rebuild against the running Node's own headers
// (prefix/include/node) when they are installed, so no header download is needed.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const prefix = path.resolve(path.dirname(process.execPath), '..');
const args = ['rebuild'];
if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
if (process.env.SPOOR_DEBUG_BUILD) args.push('--debug');

// npm tells scripts where its bundled node-gyp is; otherwise a local or global one.
let cmd = process.execPath;
let gyp = process.env.npm_config_node_gyp;
if (!gyp || !fs.existsSync(gyp)) {
  try {
    gyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const bundled = path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    gyp = fs.existsSync(bundled) ? bundled : null;
  }
}
let argv;
if (gyp) {
  argv = [gyp, ...args];
} else {
  cmd = 'node-gyp';
  argv = args;
}
const r = spawnSync(cmd, argv, { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
if (r.error) {
  console.error(`spoor: could not run node-gyp: ${r.error.message}`);
  process.exit(1);
}
process.exit(r.status === null ? 1 : r.status);
