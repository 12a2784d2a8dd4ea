// Copies the built files of the front-end libraries the binary serves from
// node_modules (installed from package-lock.json by `make web`) into
// vendor/, with the licence of every package they were built from. The
// copies are committed and embedded with go:embed: the server needs no
// Node, no build step and no network at run time.
import { readFileSync, writeFileSync, mkdirSync, rmSync, readdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "vendor");

// What the pages load, by the name they are served under.
const files = {
  "react.production.min.js": "react/umd/react.production.min.js",
  "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
  "graphiql.min.js": "graphiql/graphiql.min.js",
  "graphiql.min.css": "graphiql/graphiql.min.css",
  "cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
for (const [name, from] of Object.entries(files)) {
  // The source maps are not shipped: drop the comment that points at them,
  // so a browser's developer tools do not ask the server for them.
  const text = readFileSync(join(modules, from), "utf8").replace(/\n?\/[/*][#@] sourceMappingURL=\S+(\s*\*\/)?\s*$/, "\n");
  writeFileSync(join(out, name), text);
}

// Every installed package is in one of the bundles (graphiql.min.js carries
// its whole dependency tree except React), so every one's licence is kept.
const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const sections = [];
for (const [path, pkg] of Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b))) {
  if (!path.startsWith("node_modules/") || pkg.dev) continue;
  const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
  const dir = join(here, path);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licenceFile = existsSync(dir) && readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  const text = licenceFile ? readFileSync(join(dir, licenceFile), "utf8").trim() : `(the package ships no licence file; its package.json says: ${meta.license})`;
  sections.push(`${"=".repeat(78)}\n${name}@${pkg.version} (${meta.license ?? pkg.license ?? "no licence field"})\n${"=".repeat(78)}\n\n${text}\n`);
}
writeFileSync(
  join(out, "LICENSES.txt"),
  `Licences of the front-end libraries in this directory and of every package\nthey were built from, as installed from web/package-lock.json.\n\n${sections.join("\n")}`,
);
console.log(`vendor: ${Object.keys(files).length} files and ${sections.length} licences written to web/vendor/`);
