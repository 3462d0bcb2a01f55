#!/usr/bin/env node
// The `strangler` bin (package.json "bin"): runs scripts/cli.ts through ts-node, transpile only,
// with the repo's tsconfig, so `npx strangler ...` works right after `npm install`, no build step.
// Type checking is `npm run typecheck`'s job; here it would only slow every command down.
'use strict';
const path = require('node:path');

require('ts-node').register({
  project: path.join(__dirname, '..', 'tsconfig.json'),
  transpileOnly: true,
});

const { runCli } = require('./cli.ts');

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`strangler crashed: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
