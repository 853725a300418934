// Exits 0 when node_modules holds exactly the versions package-lock.json lists
// (so .ci/install can skip `npm ci`, which always deletes and rewrites
// node_modules), 1 otherwise. `npm ls` cannot tell: it calls some of
// Lighthouse's pinned dependencies "invalid" even right after `npm ci`.
const fs = require("fs");
const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8"));
const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
const root = lock.packages[""] || {};
// package.json edited without updating the lock file: let `npm ci` say so.
for (const field of ["dependencies", "devDependencies"]) {
  if (JSON.stringify(pkg[field] || {}) !== JSON.stringify(root[field] || {})) process.exit(1);
}
for (const [path, meta] of Object.entries(lock.packages)) {
  if (!path || meta.link) continue;
  let installed;
  try {
    installed = JSON.parse(fs.readFileSync(path + "/package.json", "utf8")).version;
  } catch (e) {
    if (meta.optional) continue; // another platform's optional package
    process.exit(1);
  }
  if (installed !== meta.version) process.exit(1);
}
