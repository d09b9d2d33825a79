// Copies exactly the front-end files Pharos serves from node_modules/ into
// src/pharos/static/vendor/<package>/, writes the @font-face rules of
// src/pharos/static/pharos/fonts.css and records what was copied in
// src/pharos/static/vendor/VERSIONS.json. Plain Node, no dependencies.
//
// Run through `make vendor` (npm ci first). The runtime never fetches assets from
// anywhere: everything it needs is committed under static/.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
const MODULES = join(HERE, "node_modules");
const STATIC = resolve(HERE, "../src/pharos/static");
const VENDOR = join(STATIC, "vendor");

// Font subsets and weights: Latin (with Latin Extended for South-Eastern European
// names such as č, ć, đ, ș), Cyrillic and Arabic; regular and bold; woff2 only.
const WEIGHTS = [400, 700];
const FONTS = [
  { pkg: "@fontsource/noto-sans", family: "Noto Sans", prefix: "noto-sans", subsets: ["latin", "latin-ext", "cyrillic"] },
  { pkg: "@fontsource/noto-sans-arabic", family: "Noto Sans Arabic", prefix: "noto-sans-arabic", subsets: ["arabic"] },
];

// package -> [source path inside the package, destination path inside vendor/<dir>/]
const PACKAGES = [
  {
    pkg: "bootstrap",
    dir: "bootstrap",
    files: [
      ["dist/css/bootstrap.min.css", "css/bootstrap.min.css"],
      ["dist/css/bootstrap.rtl.min.css", "css/bootstrap.rtl.min.css"],
      ["dist/js/bootstrap.bundle.min.js", "js/bootstrap.bundle.min.js"],
      ["LICENSE", "LICENSE"],
    ],
  },
  {
    pkg: "htmx.org",
    dir: "htmx.org",
    files: [
      ["dist/htmx.min.js", "htmx.min.js"],
      ["LICENSE", "LICENSE"],
    ],
  },
  {
    // Test-only: the accessibility scans inject it into pages under test.
    pkg: "axe-core",
    dir: "axe-core",
    files: [
      ["axe.min.js", "axe.min.js"],
      ["LICENSE", "LICENSE"],
    ],
  },
  // Charts (pharos.statistics dashboards): Vega-Lite specs compiled and rendered by Vega in the
  // browser. The CSP has no 'unsafe-eval', so Vega runs its expressions through
  // vega-interpreter (its ES module is wrapped below into a plain script over the vega global).
  { pkg: "vega", dir: "vega", files: [["build/vega.min.js", "vega.min.js"], ["LICENSE", "LICENSE"]] },
  {
    pkg: "vega-lite",
    dir: "vega-lite",
    files: [
      ["build/vega-lite.min.js", "vega-lite.min.js"],
      ["LICENSE", "LICENSE"],
    ],
  },
  {
    pkg: "vega-embed",
    dir: "vega-embed",
    files: [
      ["build/vega-embed.min.js", "vega-embed.min.js"],
      ["LICENSE", "LICENSE"],
    ],
  },
  {
    pkg: "vega-interpreter",
    dir: "vega-interpreter",
    files: [
      ["build/vega-interpreter.js", "vega-interpreter.js"],
      ["LICENSE", "LICENSE"],
    ],
  },
  {
    // Natural Earth 1:50m country boundaries as TopoJSON; includes Kosovo (no ISO numeric id).
    pkg: "world-atlas",
    dir: "world-atlas",
    files: [
      ["countries-50m.json", "countries-50m.json"],
      ["LICENSE", "LICENSE"],
    ],
  },
  ...FONTS.map((font) => ({
    pkg: font.pkg,
    dir: font.prefix,
    files: [
      ...font.subsets.flatMap((subset) =>
        WEIGHTS.map((weight) => {
          const name = `${font.prefix}-${subset}-${weight}-normal.woff2`;
          return [`files/${name}`, name];
        }),
      ),
      ["LICENSE", "LICENSE"],
    ],
  })),
];

// A sourceMappingURL pointing at a .map we do not ship makes browsers ask for a missing
// file and makes Django's manifest storage fail collectstatic: drop that one comment.
const SOURCE_MAP = /\n?\/[/*]# sourceMappingURL=[^\n]*?(\*\/)?\s*$/;

function packageJson(pkg) {
  return JSON.parse(readFileSync(join(MODULES, pkg, "package.json"), "utf8"));
}

function copy(pkg, source, destination) {
  let content = readFileSync(join(MODULES, pkg, source));
  let note;
  if (/\.(css|js)$/.test(source)) {
    const text = content.toString("utf8");
    if (SOURCE_MAP.test(text)) {
      content = Buffer.from(text.replace(SOURCE_MAP, "\n"), "utf8");
      note = "sourceMappingURL comment removed";
    }
  }
  if (pkg === "vega-interpreter" && source.endsWith(".js")) {
    const text = content.toString("utf8");
    const wrapped = text
      .replace(/^import \{([^}]*)\} from 'vega-util';/m, "const {$1} = globalThis.vega;")
      .replace(/^export \{ expression as expressionInterpreter \};/m, "globalThis.vegaInterpreter = { expressionInterpreter: expression };");
    if (wrapped === text || /^(import|export) /m.test(wrapped)) throw new Error("vega-interpreter layout changed");
    content = Buffer.from(`(function () {\n"use strict";\n${wrapped}\n})();\n`, "utf8");
    note = "ES module wrapped into a script over the vega global";
  }
  mkdirSync(dirname(destination), { recursive: true });
  writeFileSync(destination, content);
  return { sha256: createHash("sha256").update(content).digest("hex"), note };
}

function fontsCss() {
  const rules = [];
  for (const font of FONTS) {
    const ranges = JSON.parse(readFileSync(join(MODULES, font.pkg, "unicode.json"), "utf8"));
    for (const subset of font.subsets) {
      if (!ranges[subset]) throw new Error(`${font.pkg} has no unicode range for ${subset}`);
      for (const weight of WEIGHTS) {
        rules.push(
          [
            `/* ${font.prefix} ${subset} ${weight} */`,
            "@font-face {",
            `  font-family: "${font.family}";`,
            "  font-style: normal;",
            `  font-weight: ${weight};`,
            "  font-display: swap;",
            `  src: url("../vendor/${font.prefix}/${font.prefix}-${subset}-${weight}-normal.woff2") format("woff2");`,
            `  unicode-range: ${ranges[subset]};`,
            "}",
          ].join("\n"),
        );
      }
    }
  }
  const header =
    "/* Generated by frontend/vendor.mjs from @fontsource (SIL Open Font License 1.1): do not edit. */\n";
  return header + rules.join("\n\n") + "\n";
}

function main() {
  rmSync(VENDOR, { recursive: true, force: true });
  const versions = {};
  for (const entry of PACKAGES) {
    const meta = packageJson(entry.pkg);
    const files = {};
    for (const [source, target] of entry.files) {
      const path = `${entry.dir}/${target}`;
      const { sha256, note } = copy(entry.pkg, source, join(VENDOR, path));
      files[path] = note ? { source, sha256, note } : { source, sha256 };
    }
    versions[entry.pkg] = { version: meta.version, licence: meta.license, files };
  }
  writeFileSync(join(VENDOR, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
  mkdirSync(join(STATIC, "pharos"), { recursive: true });
  writeFileSync(join(STATIC, "pharos", "fonts.css"), fontsCss());
  const count = Object.values(versions).reduce((n, v) => n + Object.keys(v.files).length, 0);
  console.log(`Vendored ${count} files from ${Object.keys(versions).length} packages into ${VENDOR}`);
}

main();
