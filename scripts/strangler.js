#!/usr/bin/env node
// The `strangler` bin (package.json "bin"). It runs the compiled CLI, dist/scripts/cli.js (built by
// `npm run build`, which `npm install`/`npm ci` run through "prepare"); an installed package has
// nothing else. Only in a clone of the repository, when dist/ is missing or older than the sources
// it is built from, does it fall back to the TypeScript sources through ts-node (slow: ~2 s a start).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const COMPILED = path.join(ROOT, 'dist', 'scripts', 'cli.js');
const SOURCE = path.join(ROOT, 'scripts', 'cli.ts');
const BUILD_CONFIG = path.join(ROOT, 'tsconfig.build.json');

/** Newest modification time (ms) of the files tsconfig.build.json compiles ("dir/**\/*.ts" or a file). */
function newestSource() {
  let newest = fs.statSync(path.join(ROOT, 'package.json')).mtimeMs;
  const visit = (p) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (!st.isDirectory()) newest = Math.max(newest, st.mtimeMs);
    else for (const name of fs.readdirSync(p)) if (name !== 'test') visit(path.join(p, name));
  };
  visit(BUILD_CONFIG);
  for (const pattern of JSON.parse(fs.readFileSync(BUILD_CONFIG, 'utf8')).include) visit(path.join(ROOT, pattern.replace(/\/\*\*.*$/, '')));
  return newest;
}

/** The compiled CLI when it is there and not older than its sources (a clone after an edit). */
function compiledIsCurrent() {
  const built = fs.statSync(COMPILED, { throwIfNoEntry: false });
  if (!built) return false;
  // An installed package ships no TypeScript sources: its dist/ is all there is.
  return !fs.existsSync(SOURCE) || built.mtimeMs >= newestSource();
}

function loadCli() {
  if (compiledIsCurrent()) return require(COMPILED);
  if (!fs.existsSync(SOURCE)) {
    process.stderr.write(`strangler: ${COMPILED} is missing: this installation is incomplete; reinstall the package\n`);
    process.exit(1);
  }
  // Said on a terminal only: scripts and tests read stderr as the command's own messages.
  if (process.stderr.isTTY) {
    process.stderr.write('strangler: dist/ is missing or older than the sources: running them through ts-node (slow); `npm run build` makes it fast\n');
  }
  require('ts-node').register({ project: path.join(ROOT, 'tsconfig.json'), transpileOnly: true });
  return require(SOURCE);
}

// Required rather than run (the bench asks whether dist/ is current): export the check only.
if (require.main !== module) {
  module.exports = { compiledIsCurrent };
  return;
}

// `strangler --help | head`: the reader went away, which is not an error of ours; stop quietly.
process.stdout.on('error', (err) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(0);
});

loadCli().runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`strangler crashed: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
