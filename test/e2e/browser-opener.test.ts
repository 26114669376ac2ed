/**
 * The real browser opener of `citi token --three-legged` (no injected opener): the built binary on a
 * desktop (DISPLAY set) opens the URL with the system's xdg-open through the `open` package, or with
 * the command in BROWSER. The openers here are scripts first on PATH, and Chromium clicking through
 * the emulator's pages. Every opener process is stopped after its test.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, onCleanup, ROOT, spawnCli, tempConfigHome } from '../helpers/cli.js';
import { inCI } from '../helpers/keychain.js';
import { AUTHORIZE_URL, setup, startCli, storedTokens } from '../helpers/three-legged-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (inCI) throw new Error(`CI=true but ${CHROMIUM} is missing: the browser tests must run in CI`);
  console.warn(`skipping the BROWSER=Chromium test: ${CHROMIUM} is missing (install Debian's chromium package)`);
}
const haveCurl = existsSync('/usr/bin/curl');
if (!haveCurl) {
  if (inCI) throw new Error('CI=true but curl is missing: the xdg-open test drives the URL with it');
  console.warn('skipping the xdg-open sign-in test: curl is missing (apt-get install curl)');
}

/** A folder holding an `xdg-open` script (first on PATH) that records its PID, then runs `body`. */
async function fakeXdgOpen(body: (dir: string) => string): Promise<{ dir: string; pidFile: string }> {
  const dir = await tempConfigHome();
  const pidFile = path.join(dir, 'opener.pid');
  await fs.writeFile(path.join(dir, 'xdg-open'), `#!/bin/sh\necho $$ > '${pidFile}'\n${body(dir)}\n`, { mode: 0o755 });
  onCleanup(() => stopGroup(pidFile));
  return { dir, pidFile };
}

/** Stops an opener (and what it started: openers run detached, in a process group of their own). */
async function stopGroup(pidFile: string): Promise<void> {
  const pid = Number(await fs.readFile(pidFile, 'utf8').catch(() => ''));
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * The Chromium BROWSER script, bundled with the consent-page helper it uses. It lands in a folder
 * under the package (.tmp/, ignored by git) so that it finds playwright-core in node_modules.
 */
async function consentInChromium(): Promise<string> {
  await fs.mkdir(path.join(ROOT, '.tmp'), { recursive: true });
  const dir = await fs.mkdtemp(path.join(ROOT, '.tmp', 'consent-'));
  onCleanup(() => fs.rm(dir, { recursive: true, force: true }));
  const script = path.join(dir, 'consent-in-chromium.mjs');
  const entry = path.join(ROOT, 'test', 'e2e', 'fixtures', 'consent-in-chromium.ts');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', external: ['playwright-core'], outfile: script, logLevel: 'error' });
  return script;
}

async function waitForFile(file: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    if (text) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file} was never written`);
}

/** A desktop session: a display, not CI, no BROWSER; `bin` first on PATH. */
function desktop(env: NodeJS.ProcessEnv, bin: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...env, DISPLAY: ':99', PATH: `${bin}${path.delimiter}${env.PATH ?? ''}` };
  delete e.CI;
  delete e.BROWSER;
  delete e.WAYLAND_DISPLAY;
  return e;
}

describe('citi token --three-legged opens the browser for real', () => {
  it.skipIf(!haveCurl)('on a desktop, runs xdg-open from PATH with the URL; the opener signs in (curl, auto-consent) and the token is stored', async () => {
    const { env, home } = await setup(['--auto-consent']);
    const { dir, pidFile } = await fakeXdgOpen((d) => `curl -sS -L --max-time 15 -o '${d}/page.html' "$1"\necho $? > '${d}/opener.done'`);
    const run = startCli(['token', '--three-legged', '--json', '--timeout', '20s'], desktop(env, dir));
    const res = await run.done;
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('Opened the sign-in page.');
    expect(res.stderr).not.toContain('Could not open a browser');
    expect(Number(await fs.readFile(pidFile, 'utf8'))).toBeGreaterThan(0); // our xdg-open ran
    expect((await waitForFile(path.join(dir, 'opener.done'))).trim()).toBe('0');
    expect(await fs.readFile(path.join(dir, 'page.html'), 'utf8')).toContain('Signed in');
    const printed = JSON.parse(res.stdout) as { access_token: string; source: string };
    expect(printed.source).toBe('new');
    const stored = Object.values(await storedTokens(home)).filter((t) => t.kind === 'three-legged');
    expect(stored.map((t) => t.accessToken)).toEqual([printed.access_token]);
  });

  it('an xdg-open that exits 0 and opens nothing: the URL is printed, the wait is announced, and --timeout 5s ends it with exit 3', async () => {
    const { env } = await setup();
    const { dir, pidFile } = await fakeXdgOpen(() => 'exit 0');
    const run = startCli(['token', '--three-legged', '--timeout', '5s'], desktop(env, dir));
    const res = await run.done;
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toMatch(AUTHORIZE_URL);
    expect(res.stderr).toMatch(/Waiting for the redirect to http:\/\/127\.0\.0\.1:\d+\/callback \(up to 5s; Ctrl-C to stop\)/);
    expect(res.stderr).toMatch(/error: No sign-in came back to http:\/\/127\.0\.0\.1:\d+\/callback within 5s/);
    expect(await fs.readFile(pidFile, 'utf8')).toMatch(/^\d+/);
  });

  it('an opener that never returns (xdg-open staying with its browser) does not keep citi waiting past --timeout', async () => {
    const { env } = await setup();
    const { dir, pidFile } = await fakeXdgOpen(() => 'exec sleep 120');
    const run = startCli(['token', '--three-legged', '--timeout', '3s'], desktop(env, dir));
    const res = await run.done;
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toContain('Waiting for the redirect');
    // citi ended while its opener was still running: it neither waited for it nor was held by it.
    expect(alive(Number(await fs.readFile(pidFile, 'utf8')))).toBe(true);
  });

  it('an xdg-open that fails: said so, and the wait goes on until --timeout', async () => {
    const { env } = await setup();
    const { dir } = await fakeXdgOpen(() => "echo 'xdg-open: no method available' >&2; exit 3");
    const run = startCli(['token', '--three-legged', '--timeout', '4s'], desktop(env, dir));
    await run.waitForStderr(/note: xdg-open exited with status 3: if no browser opened, open the URL above yourself/);
    const res = await run.done;
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('Waiting for the redirect');
  });

  it('BROWSER naming a missing command: said so, the URL stays printed and the wait goes on until --timeout', async () => {
    const { env } = await setup();
    const run = startCli(['token', '--three-legged', '--timeout', '3s'], { ...env, BROWSER: 'no-such-browser-here --new-window' });
    const res = await run.done;
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(AUTHORIZE_URL);
    expect(res.stderr).toContain('Could not open a browser (BROWSER command "no-such-browser-here" not found): open the URL above in one yourself.');
    expect(res.stderr).toContain('Waiting for the redirect');
  });

  it.skipIf(!haveChromium)('BROWSER runs a command with the URL (even in CI, with no display): Chromium signs in as SandboxUser2 and allows; the token is stored', async () => {
    const { env, home, cli } = await setup();
    const outDir = await tempConfigHome();
    const out = path.join(outDir, 'consent.json');
    onCleanup(() => stopBrowserScript(`${out}.pid`));
    const script = await consentInChromium();
    const browserEnv: NodeJS.ProcessEnv = { ...env, CI: 'true', CONSENT_OUT: out, BROWSER: `'${process.execPath}' '${script}' %s` };
    delete browserEnv.DISPLAY;
    const run = startCli(['token', '--three-legged', '--scope', 'accounts_details_transactions', '--timeout', '60s'], browserEnv);
    const res = await run.done;
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain('Opened the sign-in page.');
    const page = JSON.parse(await waitForFile(out)) as { title?: string; url?: string; body?: string; error?: string };
    expect(page.error).toBeUndefined();
    expect(page.title).toBe('Sign on to Citi · Citi sandbox emulator');
    expect(page.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
    expect(page.body).toContain('You can close this tab and return to the terminal.');
    const stored = Object.values(await storedTokens(home)).filter((t) => t.kind === 'three-legged');
    expect(stored.map((t) => t.accessToken)).toEqual([res.stdout.trim()]);
    // The token is SandboxUser2's.
    const accounts = await cli(['call', 'GET', '/v1/accounts', '--json']);
    expect(accounts.stdout).toContain('SAV20011285');
    expect(accounts.stdout).not.toContain('SAV10011248');
  }, 90_000);
});

describe('--timeout of a sign-in', () => {
  it.each([
    ['30d', 'error: --timeout 30d is too long: at most 24h'],
    ['25h', 'error: --timeout 25h is too long: at most 24h'],
    ['0s', 'error: --timeout must be positive (got "0s")'],
    ['soon', 'error: --timeout: Invalid duration "soon"'],
  ])('--timeout %s is a usage error (exit 2), before any sign-in starts', async (value, message) => {
    const { env } = await setup();
    const res = await spawnCli(['token', '--three-legged', '--no-browser', '--timeout', value], { env });
    expect(res.stderr).toContain(message);
    expect(res.stderr).not.toContain('Waiting for the redirect');
    expect(res.code).toBe(2);
  });
});

/** Stops the BROWSER script if it is still running (SIGTERM: playwright closes its Chromium), and waits for it. */
async function stopBrowserScript(pidFile: string): Promise<void> {
  const pid = Number(await fs.readFile(pidFile, 'utf8').catch(() => ''));
  if (!pid || !alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(-pid, 'SIGKILL');
}
