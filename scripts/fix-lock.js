// Removes lock-file entries for other platforms' optional native binaries that this machine's
// registry does not serve (npm 11 then fails `npm ci` with "Missing: ... from lock file").
// Run after every lock regeneration: `npm run fix-lock`.
const fs = require('node:fs');
const file = require('node:path').join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const removed = [];
for (const key of Object.keys(lock.packages)) {
  const pkg = lock.packages[key];
  if (key && pkg.optional && !pkg.resolved && !pkg.version) { delete lock.packages[key]; removed.push(key); }
}
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(removed.length ? `removed ${removed.length} dangling entries:\n  ${removed.join('\n  ')}` : 'lock file has no dangling optional entries');
