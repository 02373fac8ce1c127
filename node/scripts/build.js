'use strict';
// The package's install script. With a prebuilt addon for this platform in
// prebuilds/ (the npm tarball carries one for linux-x64 glibc) that loads, there is
// nothing to do: no compiler runs, and installs that run no scripts (pnpm 10,
// --ignore-scripts) get the same result. Otherwise (another platform, a clone of the
// repository, `npm install --build-from-source`) it builds from source with
// node-gyp rebuild, against the running Node's own headers (prefix/include/node)
// when they are installed, so no header download is needed.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const pkg = path.join(__dirname, '..');
const fromSource = process.argv.includes('--from-source') || process.env.npm_config_build_from_source === 'true';

function prebuildLoads() {
  if (!fs.existsSync(path.join(pkg, 'prebuilds'))) return false;
  try {
    // PREBUILDS_ONLY: node-gyp-build skips build/ and looks only in prebuilds/.
    process.env.PREBUILDS_ONLY = '1';
    const file = require('node-gyp-build').resolve(pkg);
    require(file);
    console.log(`spoor: using the prebuilt addon ${path.relative(pkg, file)}`);
    return true;
  } catch (e) {
    console.log(`spoor: no prebuilt addon loads here (${e.message.split('\n')[0]}); building from source`);
    return false;
  } finally {
    delete process.env.PREBUILDS_ONLY;
  }
}

function run(cmd, argv, what) {
  const r = spawnSync(cmd, argv, { cwd: pkg, stdio: 'inherit' });
  if (r.error) {
    console.error(`spoor: could not run ${what}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status === null ? 1 : r.status);
}

// npm installs no dependencies of a package it links from a folder (`npm install
// ./node` from a clone): fetch them into the package's own node_modules, where its
// code (and binding.gyp) resolves them.
function ensureDependencies() {
  const deps = Object.keys(require(path.join(pkg, 'package.json')).dependencies || {});
  const missing = deps.filter((d) => {
    try { require.resolve(`${d}/package.json`, { paths: [pkg] }); return false; } catch { return true; }
  });
  if (!missing.length) return;
  console.log(`spoor: installing its dependencies (${missing.join(', ')}) into ${path.join(pkg, 'node_modules')}`);
  const npm = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)
    ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
  run(npm[0], [...npm[1], 'install', '--omit=dev', '--ignore-scripts', '--no-package-lock',
    '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], 'npm install');
}

if (fromSource) console.log('spoor: building from source (--build-from-source)');
else if (prebuildLoads()) process.exit(0);
ensureDependencies();

const prefix = path.resolve(path.dirname(process.execPath), '..');
const args = ['rebuild'];
if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
if (process.env.SPOOR_DEBUG_BUILD) args.push('--debug');

// npm tells scripts where its bundled node-gyp is; otherwise a local or global one.
let gyp = process.env.npm_config_node_gyp;
if (!gyp || !fs.existsSync(gyp)) {
  try {
    gyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const bundled = path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    gyp = fs.existsSync(bundled) ? bundled : null;
  }
}
if (gyp) run(process.execPath, [gyp, ...args], 'node-gyp');
else run('node-gyp', args, 'node-gyp');
