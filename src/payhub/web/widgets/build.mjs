// Builds the two scripts PayHub serves, into ../static/ (committed):
//   payhub.js          the four widgets, one minified ES module that registers its custom elements
//   hosted-fields.js   the script of the hosted-field iframe page (vanilla JS, no Lit)
// The output is deterministic (no timestamps, no absolute paths, no source maps), so a fresh build of the
// sources must equal the committed files: `node build.mjs --check` (and tests/browser) compare them.
import { build } from "esbuild";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static");
const common = {
  bundle: true,
  minify: true,
  write: false,
  format: "esm",
  target: ["es2021"],
  charset: "utf8",
  legalComments: "none",
  logLevel: "warning",
  absWorkingDir: here,
};
const targets = [
  { entry: "src/index.js", file: "payhub.js" },
  { entry: "src/hosted-fields/main.js", file: "hosted-fields.js", format: "iife" },
];

const check = process.argv.includes("--check");
let stale = 0;
for (const { entry, file, format } of targets) {
  const result = await build({ ...common, entryPoints: [entry], format: format || common.format });
  const text = result.outputFiles[0].text;
  const path = join(out, file);
  if (check) {
    const current = await readFile(path, "utf8").catch(() => "");
    if (current !== text) {
      console.error(`${file}: differs from a fresh build of the sources (run npm run build)`);
      stale += 1;
    }
  } else {
    await writeFile(path, text);
    console.log(`${file}: ${text.length} bytes`);
  }
}
process.exit(stale ? 1 : 0);
