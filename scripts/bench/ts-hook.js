// Loads the bench's child processes' TypeScript without ts-node: each .ts file is transpiled with
// TypeScript's transpileModule (what `ts-node --transpile-only` does) and nothing else is loaded.
// ts-node itself requires node:repl, which loads node:domain, and with node:domain loaded every
// EventEmitter in the process takes a slower path; a facade built to dist/ pays none of that, so
// the benchmark measures the facade this way (`--ts-node` measures it under ts-node instead).
// Usage: node -r ./scripts/bench/ts-hook.js some-file.ts
'use strict';
const fs = require('node:fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  resolveJsonModule: true,
  isolatedModules: true,
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
