/**
 * What the built CLI loads: `citi --help` and `citi --version` read the program only, never a
 * command's implementation or a heavy package (got, prompts, keyring, open, node-forge, ajv, the
 * emulator). The modules Node loads are traced by a module hook; the sources each bundle holds are
 * read from the bundler's markers in it (test/helpers/loads.ts). Structure, not timing.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, onCleanup, tempConfigHome, testEnv } from '../helpers/cli.js';
import { loadedSources, TRACE_LOADS } from '../helpers/loads.js';

const HEAVY =
  /^node_modules\/(got|@inquirer\/prompts|@napi-rs\/keyring|open|node-forge|ajv|cli-table3|chalk|yaml|jsonpath-rfc9535|diff)\/|^src\/sandbox\/|^src\/commands\/[a-z-]+-run\.ts$|^src\/commands\/(test|demo)\/(?!index\.ts$)|^src\/factory\.ts$/;

interface Loaded {
  code: number;
  stderr: string;
  /** The files Node loaded (relative to the package) and the sources bundled in them. */
  sources: string[];
}

/** Runs node ARGS with the module tracer preloaded; what it loaded. */
async function loads(args: string[], env?: NodeJS.ProcessEnv): Promise<Loaded> {
  const home = await tempConfigHome();
  const trace = path.join(home, 'loads.txt');
  const child = spawn(process.execPath, args, { env: { ...(env ?? testEnv(home)), NODE_OPTIONS: TRACE_LOADS, TRACE_LOADS_FILE: trace }, stdio: ['ignore', 'ignore', 'pipe'] });
  onCleanup(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += String(c)));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, stderr, sources: await loadedSources(trace) };
}

describe('lazy loading in the built CLI', () => {
  it('citi --version reads the entry only', async () => {
    const res = await loads([BIN, '--version']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.sources).toEqual(['bin/citi.js', 'dist/entry.js', 'src/entry.ts']);
  });

  for (const args of [['--help'], ['token', '--help'], ['sandbox', 'start', '--help'], ['card', 'enroll', '--help'], ['test', '--help']]) {
    it(`citi ${args.join(' ')} loads the program, no command's implementation, no heavy package`, async () => {
      const res = await loads([BIN, ...args]);
      expect(res.code, res.stderr).toBe(0);
      // The recorder sees bundled packages: commander is there, inside a chunk.
      expect(res.sources).toContain('node_modules/commander/lib/command.js');
      expect(res.sources).toContain('src/cli.ts');
      expect(res.sources.filter((s) => HEAVY.test(s))).toEqual([]);
    });
  }

  it('a command that runs loads its implementation (the check above can fail)', async () => {
    const home = await tempConfigHome();
    const res = await loads([BIN, 'status', '--profile', 'nobody'], testEnv(home, { CITI_STORE: 'memory' }));
    expect(res.code, res.stderr).toBe(2);
    expect(res.sources).toContain('src/commands/status-run.ts');
    expect(res.sources).toContain('src/factory.ts');
    expect(res.sources.filter((s) => /^node_modules\/(got|@inquirer\/prompts|@napi-rs\/keyring|node-forge)\/|^src\/sandbox\//.test(s))).toEqual([]);
  });

  it('citi test loads its runner, yaml and ajv only when it runs a suite', async () => {
    const home = await tempConfigHome();
    const res = await loads([BIN, 'test', path.join(ROOT, 'examples', 'smoke', 'pay-with-points.yml')], testEnv(home));
    expect(res.code, res.stderr).toBe(0);
    expect(res.sources).toContain('src/commands/test/runner.ts');
    expect(res.sources.some((s) => s.startsWith('node_modules/yaml/'))).toBe(true);
    expect(res.sources.some((s) => s.startsWith('node_modules/ajv/'))).toBe(true);
  });

  it('the programmatic API (citi-sandbox/sandbox) loads the emulator, none of the CLI', async () => {
    const api = path.join(ROOT, 'dist', 'sandbox', 'index.js');
    const script = `const { startSandbox } = await import(${JSON.stringify(api)}); const s = await startSandbox({}); await s.close();`;
    const res = await loads(['--input-type=module', '-e', script]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.sources).toContain('src/sandbox/server.ts');
    expect(res.sources.filter((s) => /^node_modules\/|^src\/(cli|commands|factory|http|store)\b/.test(s))).toEqual([]);
  });

  it('a compile-cache folder that cannot be made does not break the CLI', async () => {
    const home = await tempConfigHome();
    const res = await loads([BIN, 'token', '--help'], testEnv(home, { XDG_CACHE_HOME: '/dev/null/cache' }));
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe('');
  });
});

describe('the package', () => {
  it('ships the bundles and no source maps', async () => {
    const child = spawn('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c) => (out += String(c)));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['bin/citi.js', 'dist/entry.js', 'dist/cli.js', 'dist/sandbox/index.js', 'dist/sandbox/index.d.ts']));
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
  });
});
