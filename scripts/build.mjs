#!/usr/bin/env node
// Builds dist/ with esbuild: the CLI (bin/citi.js runs dist/entry.js) and the programmatic API
// (dist/sandbox/index.js), as ESM. Start-up time is mostly the number and size of the files Node
// reads, so:
// - dist/entry.js is built on its own and imports only Node's modules: `citi --version` reads it
//   alone; every other run imports dist/cli.js, the program (commander and each command's options).
// - What a command needs only when it runs (its own code, got, prompts, the emulator, certificates)
//   sits in chunks loaded by import() on demand.
// - Everything loaded that way loads after the program, so it imports it, and light modules that
//   several of them need (imports added here, not written in the sources): the program then
//   lands in one chunk, what a cached `citi token` runs in a second, what other commands share
//   in a third, instead of a small chunk for each combination of importers.
// - A file that only re-exports a chunk is skipped by its importers, and the program carries
//   esbuild's CommonJS helpers: `citi --help` reads dist/entry.js and one chunk, a cached
//   `citi token` one more.
// - The programmatic API is built apart, so that no chunk of the CLI is shared with it.
// Type declarations come from tsc (see package.json).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

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
      builtins: input.imports.filter((i) => i.external && i.kind === 'import-statement' && /^node:/.test(i.path)).map((i) => i.path.slice(5)),
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
/** Our modules that the CLI loads after the program. */
const afterProgram = (file) => inSrc(file) && !program.has(file);
/** Node's modules that take milliseconds to load: what needs one is not loaded before it must be. */
const SLOW_BUILTINS = new Set(['tls', 'net', 'http', 'https', 'http2', 'readline', 'child_process', 'zlib', 'dgram', 'worker_threads']);
const slow = (file) => [...closure(file)].some((f) => graph.get(f).builtins.some((b) => SLOW_BUILTINS.has(b)));
/** Loaded on demand (import()) by the CLI. */
const lazy = [...new Set([...graph.values()].flatMap((g) => g.dynamic).filter(afterProgram))];
const light = (file) => afterProgram(file) && !file.startsWith(path.join(src, 'sandbox') + path.sep) && !slow(file);
/**
 * The hot path: a cached `citi token` (what `$(citi token)` in scripts runs) builds the Factory
 * and runs token-run.ts. The light modules these need: one chunk, loaded by every command.
 */
const hot = [path.join(src, 'factory.ts'), path.join(src, 'commands', 'token-run.ts')];
const hotClosure = new Set(hot.flatMap((f) => [...closure(f)]));
const core = [...hotClosure].filter(light);
/** The other light modules that two or more lazy modules need: one more chunk, never on the hot path. */
const shared = [...graph.keys()].filter((f) => light(f) && !hotClosure.has(f) && lazy.filter((l) => closure(l).has(f)).length >= 2);
const sharedClosure = new Set(shared.flatMap((f) => [...closure(f)]));
const importPath = (from, to) => path.relative(path.dirname(from), to).replace(/\\/g, '/').replace(/\.ts$/, '.js').replace(/^(?!\.)/, './');

const split = {
  ...common,
  outdir: dist,
  splitting: true,
  // A native addon, and a package that runs a script file shipped beside its code: both stay packages.
  external: ['@napi-rs/keyring', 'open'],
  // Bundled CommonJS packages (commander, node-forge, ...) call require() for Node's modules.
  banner: { js: "import { createRequire as __citiRequire } from 'node:module'; const require = __citiRequire(import.meta.url);" },
};

await build({ ...split, entryPoints: { 'sandbox/index': 'src/sandbox/index.ts' }, chunkNames: 'sandbox/chunks/[name]-[hash]' });

await build({
  ...split,
  entryPoints: { cli: 'src/cli.ts' },
  chunkNames: 'chunks/[name]-[hash]',
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
      // Bundled packages keep their doc comments; Node parses every byte of a chunk it loads, so
      // they go (the bundler's `// node_modules/…` marker before each module stays).
      name: 'compact-packages',
      setup(b) {
        b.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, async (args) => {
          const code = await fs.promises.readFile(args.path, 'utf8');
          return { contents: (await transform(code, { loader: 'js', minifyWhitespace: true, legalComments: 'inline' })).code, loader: 'js' };
        });
      },
    },
    {
      name: 'after-the-program',
      setup(b) {
        b.onLoad({ filter: /\.ts$/ }, async (args) => {
          if (!afterProgram(args.path)) return undefined;
          const code = await fs.promises.readFile(args.path, 'utf8');
          // The program never imports back what loads after it, so importing cli.ts closes no cycle.
          // The emulator's modules and the ones it shares (sandbox/, citi/, util/) compute tables as
          // they load: of those, only the ones loaded by import() import the groups, and only a
          // group that cannot lead back to them.
          const own = inSrc(args.path, 'sandbox', 'citi', 'util');
          const hot = hotClosure.has(args.path);
          const entry = !own && lazy.includes(args.path);
          const deps = [
            path.join(src, 'cli.ts'),
            ...(own || (entry && !hot) ? core : []),
            ...((own && !hot) || (entry && !hot && !sharedClosure.has(args.path)) ? shared : []),
          ];
          const imports = deps.filter((f) => f !== args.path).map((f) => `import '${importPath(args.path, f)}';\n`);
          return { contents: imports.join('') + code, loader: 'ts' };
        });
      },
    },
  ],
});

// A module loaded by import() gets a file of its own even when all its code sits in a shared
// chunk: that file only re-exports the chunk (dist/cli.js re-exports the program; the Factory's
// file, the chunk of what a cached token runs). Imports of such a file go to the chunk instead:
// one file fewer to read on every run. The files stay, for anyone who imports them.
const outputs = [path.join(dist, 'entry.js'), path.join(dist, 'cli.js'), ...fs.readdirSync(path.join(dist, 'chunks')).map((f) => path.join(dist, 'chunks', f))];
const texts = new Map(outputs.map((f) => [f, fs.readFileSync(f, 'utf8')]));
const REEXPORT = /^import \{ createRequire as __citiRequire \} from 'node:module'; const require = __citiRequire\(import\.meta\.url\);\nimport \{\n([^}]*)\n\} from "(\.\/[^"]+)";\n((?:import "\.\/[^"]+";\n)*)export \{\n([^}]*)\n\};\n$/;
const names = (list) => list.split(',').map((n) => n.trim()).sort().join(',');
/** The files a file imports statically, directly or not. */
const staticImports = (file, seen = new Set()) => {
  for (const m of (texts.get(file) ?? '').matchAll(/^(?:import|\} from) ?(?:\{[^}]*\} from )?"(\.\.?\/[^"]+)";$/gm)) {
    const next = path.resolve(path.dirname(file), m[1]);
    if (!seen.has(next)) seen.add(next), staticImports(next, seen);
  }
  return seen;
};
const rewrites = new Map();
for (const [file, text] of texts) {
  const m = REEXPORT.exec(text);
  if (!m || names(m[1]) !== names(m[4]) || /\bas\b/.test(m[1])) continue;
  const chunk = path.resolve(path.dirname(file), m[2]);
  // Its other imports only order what the chunk loads anyway.
  const alongside = [...m[3].matchAll(/"(\.\/[^"]+)"/g)].map((s) => path.resolve(path.dirname(file), s[1]));
  if (alongside.every((a) => staticImports(chunk).has(a))) rewrites.set(file, chunk);
}
for (const [file, text] of texts) {
  let out = text;
  for (const [from, to] of rewrites) {
    if (from === file) continue;
    out = out.replaceAll(`"${importPath(file, from.replace(/\.js$/, '.ts'))}"`, `"${importPath(file, to.replace(/\.js$/, '.ts'))}"`);
  }
  if (out !== text) fs.writeFileSync(file, out);
}

// esbuild's helpers for bundled CommonJS packages sit in a chunk of their own, imported by the
// program and by packages loaded by import(). Everything of the CLI loads after the program, so
// the program carries them instead: one file fewer on every run.
const programChunk = rewrites.get(path.join(dist, 'cli.js'));
const programText = programChunk && fs.readFileSync(programChunk, 'utf8');
const helpersImport = programText && /^import \{\n((?:  __\w+,?\n)+)\} from "(\.\/chunk-[\w-]+\.js)";\n/m.exec(programText);
if (helpersImport) {
  const helpers = path.resolve(path.dirname(programChunk), helpersImport[2]);
  const m = /^(import \{ createRequire[^\n]*\n)([\s\S]*)\nexport \{\n((?:  __\w+,?\n)+)\};\n$/.exec(fs.readFileSync(helpers, 'utf8'));
  const declared = m ? [...m[2].matchAll(/^var (\w+) =/gm)].map((d) => d[1]) : [];
  const clash = declared.some((name) => new RegExp(`\\b(?:var|let|const|function|class) ${name.replace(/\$/g, '\\$')}\\b`).test(programText.replace(helpersImport[0], '')));
  if (m && !/^import /m.test(m[2]) && !/^\/\/ (?:src|node_modules)\//m.test(m[2]) && !clash) {
    const [banner, ...rest] = programText.replace(helpersImport[0], '').split(/(?<=\n)/);
    fs.writeFileSync(programChunk, banner + m[2] + '\n' + rest.join('') + `export {\n${m[3]}};\n`);
    for (const file of [path.join(dist, 'cli.js'), ...fs.readdirSync(path.join(dist, 'chunks')).map((f) => path.join(dist, 'chunks', f))]) {
      if (file === programChunk || file === helpers) continue;
      const text = fs.readFileSync(file, 'utf8');
      const out = text.replaceAll(`"${importPath(file, helpers.replace(/\.js$/, '.ts'))}"`, `"${importPath(file, programChunk.replace(/\.js$/, '.ts'))}"`);
      if (out !== text) fs.writeFileSync(file, out);
    }
  }
}
