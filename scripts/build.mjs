#!/usr/bin/env node
// Builds dist/: the CLI (dist/entry.js, run by bin/citi.js) and the programmatic API
// (dist/sandbox/index.js) as ESM bundles. What a command needs only when it runs (its own code,
// got, prompts, the emulator, certificates, ...) sits in chunks loaded by import() on demand, so
// `citi --help` reads a few small files. Type declarations come from tsc (see package.json).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
fs.rmSync(dist, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { entry: 'src/entry.ts', 'sandbox/index': 'src/sandbox/index.ts' },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  // A native addon, and a package that runs a script file shipped beside its code: both stay packages.
  external: ['@napi-rs/keyring', 'open'],
  // Bundled CommonJS packages (commander, node-forge, ...) call require() for Node's modules.
  banner: { js: "import { createRequire as __citiRequire } from 'node:module'; const require = __citiRequire(import.meta.url);" },
  define: { CITI_SANDBOX_VERSION: JSON.stringify(version) },
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
});
