/**
 * Opening a URL in the user's browser, as git and gh do: the command in BROWSER when it is set,
 * else the desktop's opener (the system's xdg-open on Linux, `open` on macOS, the shell on Windows)
 * through the `open` package. It resolves once the opener process has started and never waits for
 * it to finish (xdg-open may stay until the browser closes); an opener that exits with a failure
 * later is reported through `note`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { isCI, type IO } from './io.js';

/** Why no browser can be opened here (no display, CI), or undefined when one may be. BROWSER, when set, is always tried. */
export function noBrowserReason(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  if (env.BROWSER?.trim()) return undefined;
  if (isCI(env)) return 'running in CI';
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return env.SSH_CONNECTION ? 'an SSH session without a display' : 'no graphical display (DISPLAY is not set)';
  }
  return undefined;
}

/**
 * The argv BROWSER asks for: the value split like a shell command line (quotes, backslashes and
 * $VARIABLES as sh reads them), `%s` replaced by the URL, else the URL added as the last argument.
 */
export async function browserCommand(browser: string, url: string, env: NodeJS.ProcessEnv): Promise<string[]> {
  const quote = await import('shell-quote');
  // A CommonJS package: Node gives its functions as named exports, the bundle (dist/) on `default`.
  const { parse } = 'parse' in quote ? quote : (quote as { default: typeof quote }).default;
  const words = parse(browser, (name) => env[name] ?? '').map((w) => {
    if (typeof w === 'string') return w;
    if ('pattern' in w) return w.pattern; // a glob character is taken as it is
    throw new Error(`BROWSER must be one command with its arguments, not a shell pipeline or redirection ("${browser}")`);
  });
  if (!words.length) throw new Error('BROWSER is empty');
  const placed = words.some((w) => w.includes('%s'));
  return placed ? words.map((w) => w.replaceAll('%s', url)) : [...words, url];
}

/** Opens `url`; rejects with the reason when no browser can be opened. */
export async function openBrowser(url: string, env: NodeJS.ProcessEnv, note: (message: string) => void): Promise<void> {
  const why = noBrowserReason(env);
  if (why) throw new Error(why);
  const browser = env.BROWSER?.trim();
  if (browser) {
    const [command, ...args] = await browserCommand(browser, url, env);
    watch(await started(spawn(command!, args, { env, detached: true, stdio: 'ignore' }), `BROWSER command "${command}"`), `BROWSER command "${command}"`, note);
    return;
  }
  const { default: open } = await import('open');
  // On Linux the system's xdg-open, the one the desktop configures; the copy bundled with `open`
  // is the fallback when there is none. (WSL is left to `open`, which goes through Windows.)
  if (process.platform === 'linux' && !env.WSL_DISTRO_NAME) {
    try {
      watch(await open(url, { wait: false, app: { name: 'xdg-open' } }), 'xdg-open', note);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  // `open` resolves once its child has spawned: waiting for another 'spawn' event would wait for ever.
  watch(await open(url, { wait: false }), 'the system opener', note);
}

/** Opens `url` for a command: an opener that fails after it started is noted on the command's stderr. */
export function openBrowserOn(io: Pick<IO, 'env' | 'stderr'>): (url: string) => Promise<void> {
  return (url) => openBrowser(url, io.env, (m) => io.stderr.write(`  note: ${m}\n`));
}

/** Resolves once the child has spawned; rejects with a readable message when it cannot start. */
function started(child: ChildProcess, what: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'ENOENT' ? `${what} not found` : `${what}: ${err.message}`)));
    child.once('spawn', () => resolve(child));
  });
}

/** Lets the opener run on its own (it never keeps citi alive) and reports it if it fails. */
function watch(child: ChildProcess, what: string, note: (message: string) => void): void {
  child.on('error', (err) => note(`${what} failed (${err.message}): open the URL above yourself`));
  child.once('exit', (code, signal) => {
    if (code !== 0) note(`${what} ${signal ? `was stopped by ${signal}` : `exited with status ${code}`}: if no browser opened, open the URL above yourself`);
  });
  child.unref();
}
