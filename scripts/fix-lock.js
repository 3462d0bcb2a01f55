// Makes package-lock.json installable with `npm ci` on this machine's registry: npm 11 writes a
// package's optionalDependencies for every platform (e.g. @unrs/resolver-binding-*) but locks only
// the binaries it could fetch, and `npm ci` then fails with "Missing: ... from lock file".
// Drops optional dependencies that have no locked entry. Run after every lock regeneration.
const fs = require('node:fs');
const file = require('node:path').join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const locked = (from, name) => {
  // npm resolves from the nearest node_modules up the tree.
  let dir = from;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
};
const removed = [];
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const name of Object.keys(pkg.optionalDependencies ?? {})) {
    if (!locked(key, name)) { delete pkg.optionalDependencies[name]; removed.push(`${key || '(root)'} -> ${name}`); }
  }
}
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(removed.length ? `removed ${removed.length} optional dependencies with no locked entry:\n  ${removed.join('\n  ')}` : 'lock file is consistent');
