#!/usr/bin/env node
// Builds dist/ with esbuild: the CLI (bin/citi.js runs dist/entry.js) and the programmatic API
// (dist/sandbox/index.js), as ESM. Start-up time is mostly the number of files Node reads, so:
// - dist/entry.js is built on its own and imports only Node's modules: `citi --version` reads it
//   alone; every other run imports dist/cli.js, the program (commander and each command's options).
// - What a command needs only when it runs (its own code, got, prompts, the emulator, certificates)
//   sits in chunks loaded by import() on demand.
// - Our modules loaded that way always load after dist/cli.js, so they import it, and the light
//   modules that several of them need (added here, not written in the sources): what they share
//   then lands in a few chunks, instead of a small chunk for each combination of importers. The
//   emulator's modules (also the programmatic API) are left as they are.
// Type declarations come from tsc (see package.json).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
fs.rmSync(dist, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  define: { CITI_SANDBOX_VERSION: JSON.stringify(version) },
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: { entry: 'src/entry.ts' }, outdir: dist, external: ['./cli.js'] });

// The import graph of the CLI's own modules, to decide what goes together (see after-the-program).
const { metafile } = await build({ ...common, entryPoints: ['src/cli.ts'], write: false, metafile: true, packages: 'external' });
const graph = new Map(
  Object.entries(metafile.inputs).map(([file, input]) => [
    path.join(root, file),
    {
      static: input.imports.filter((i) => !i.external && i.kind === 'import-statement').map((i) => path.join(root, i.path)),
      dynamic: input.imports.filter((i) => !i.external && i.kind === 'dynamic-import').map((i) => path.join(root, i.path)),
      builtins: input.imports.filter((i) => i.external && /^node:/.test(i.path)).map((i) => i.path.slice(5)),
    },
  ]),
);
const closure = (file, seen = new Set()) => {
  if (seen.has(file) || !graph.has(file)) return seen;
  seen.add(file);
  for (const next of graph.get(file).static) closure(next, seen);
  return seen;
};
const inSrc = (file, ...except) => file.startsWith(src + path.sep) && !except.some((d) => file.startsWith(path.join(src, d) + path.sep));
/** The program: what dist/cli.js reads before any command runs. */
const program = closure(path.join(src, 'cli.ts'));
/** Our modules that only the CLI loads, after the program: not the emulator's (sandbox/, citi/, util/, also the programmatic API's). */
const afterProgram = (file) => inSrc(file, 'sandbox', 'citi', 'util') && !program.has(file);
/** Node's modules that take milliseconds to load: what needs one is not loaded before it must be. */
const SLOW_BUILTINS = new Set(['tls', 'net', 'http', 'https', 'http2', 'readline', 'child_process', 'zlib', 'dgram', 'worker_threads']);
const slow = (file) => [...closure(file)].some((f) => graph.get(f).builtins.some((b) => SLOW_BUILTINS.has(b)));
/** Loaded on demand (import()) by the CLI. */
const lazy = [...new Set([...graph.values()].flatMap((g) => g.dynamic).filter(afterProgram))];
/** Light modules that two or more of those need: one chunk for them all. */
const core = [...graph.keys()].filter((f) => afterProgram(f) && !slow(f) && lazy.filter((l) => closure(l).has(f)).length >= 2);
const importPath = (from, to) => path.relative(path.dirname(from), to).replace(/\\/g, '/').replace(/\.ts$/, '.js').replace(/^(?!\.)/, './');

await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts', 'sandbox/index': 'src/sandbox/index.ts' },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  // A native addon, and a package that runs a script file shipped beside its code: both stay packages.
  external: ['@napi-rs/keyring', 'open'],
  // Bundled CommonJS packages (commander, node-forge, ...) call require() for Node's modules.
  banner: { js: "import { createRequire as __citiRequire } from 'node:module'; const require = __citiRequire(import.meta.url);" },
  plugins: [
    {
      // commander needs child_process only to run a subcommand's own executable, which citi never
      // does; loading it costs every run a few milliseconds, so it loads on first use instead.
      name: 'lazy-child-process',
      setup(b) {
        b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
          /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-builtin' } : undefined,
        );
        b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
          contents: "let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:child_process'))[key] });",
          loader: 'js',
        }));
      },
    },
    {
      name: 'after-the-program',
      setup(b) {
        b.onLoad({ filter: /\.ts$/ }, async (args) => {
          if (!afterProgram(args.path)) return undefined;
          const code = await fs.promises.readFile(args.path, 'utf8');
          const imports = [path.join(src, 'cli.ts'), ...core].filter((f) => f !== args.path).map((f) => `import '${importPath(args.path, f)}';\n`);
          return { contents: imports.join('') + code, loader: 'ts' };
        });
      },
    },
  ],
});
