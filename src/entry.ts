/**
 * What bin/citi.js runs. Kept small so start-up stays near Node's own: `citi --version` loads nothing
 * more, and everything else loads the program (commander and the commands' options) on demand.
 */
import module from 'node:module';
import { cacheDir } from './config/paths.js';
import { packageVersion } from './version.js';

/**
 * Node 22 and newer keep compiled code in a cache folder, so later runs skip compiling. Older Nodes
 * lack the call; any failure (say, a read-only home) only means no cache.
 */
export function enableCompileCache(env: NodeJS.ProcessEnv = process.env): void {
  const enable = (module as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (typeof enable !== 'function') return;
  try {
    enable(cacheDir(env));
  } catch {
    // no cache: the same behaviour, compiled anew
  }
}

/** Runs `citi` with the process's arguments; resolves to the exit code. */
export async function run(argv: string[] = process.argv): Promise<number> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(packageVersion() + '\n');
    return 0;
  }
  enableCompileCache();
  const { main } = await import('./cli.js');
  return main(argv);
}
