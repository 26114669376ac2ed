/**
 * What bin/citi.js runs. Built, it imports nothing of the package's own, so start-up stays near
 * Node's: `citi --version` loads nothing more, and everything else loads the program (commander and
 * the commands' options, cli.ts) on demand; each command's code loads when it runs.
 */
import module from 'node:module';
import path from 'node:path';

declare const CITI_SANDBOX_VERSION: string | undefined;

/**
 * Node 22 and newer keep compiled code in a cache folder ($XDG_CACHE_HOME/citi-sandbox, else
 * ~/.cache/citi-sandbox), so later runs skip compiling. Older Nodes lack the call; any failure
 * (say, a read-only home) only means no cache.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  const enable = (module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (typeof enable !== 'function') return;
  try {
    // node:os only here: on Node 20 (no compile cache) `citi --help` would load it for nothing.
    enable(path.join(env.XDG_CACHE_HOME || path.join(process.getBuiltinModule('node:os').homedir(), '.cache'), 'citi-sandbox'));
  } catch {
    // no cache: the same behaviour, compiled anew
  }
}

/** Runs `citi` with the process's arguments; resolves to the exit code. */
export async function run(argv: string[] = process.argv): Promise<number> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    // The bundler writes the version in (util/version.ts has the whole story): this file alone is read.
    const version = typeof CITI_SANDBOX_VERSION === 'string' ? CITI_SANDBOX_VERSION : (await import('./util/version.js')).packageVersion();
    process.stdout.write(version + '\n');
    return 0;
  }
  enableCompileCache();
  const { main } = await import('./cli.js');
  return main(argv);
}
