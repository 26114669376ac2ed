/** The built `citi` against `citi sandbox start` child processes, with a file store shared by every process. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { BIN, onCleanup, spawnCli, tempConfigHome, testEnv, type CliResult } from './cli.js';
import { consentOverHttp, SANDBOX_USERS, type Decision } from './consent.js';
import { sandboxProcess, type SandboxProcess } from './sandbox.js';
import { FileStore } from '../../src/store/file-store.js';
import { accounts, type SecretStore } from '../../src/store/secret-store.js';
import type { TokenMap } from '../../src/store/tokens.js';
import { lockDir } from '../../src/config/paths.js';

export interface Setup {
  home: string;
  env: NodeJS.ProcessEnv;
  sb: SandboxProcess;
  cli(args: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<CliResult>;
}

/** An emulator (with these flags), a private config folder, and a profile logged in with `--store file`. */
export async function setup(sandboxArgs: string[] = [], loginArgs: string[] = [], opts: { store?: 'file' | 'keychain'; profile?: string } = {}): Promise<Setup> {
  const home = await tempConfigHome();
  const env = testEnv(home, opts.profile ? { CITI_PROFILE: opts.profile } : {});
  // No display here: the "cannot open a browser" path is the one under test.
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const sb = await sandboxProcess(sandboxArgs, env);
  const cli = (args: string[], opts: { stdin?: string; timeoutMs?: number } = {}) => spawnCli(args, { env, ...opts });
  const login = await cli(['--store', opts.store ?? 'file', 'login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin', ...loginArgs], {
    stdin: sb.clientSecret,
  });
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
  return { home, env, sb, cli };
}

export interface Running {
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stderr. */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  write(text: string): void;
  done: Promise<CliResult>;
}

/** Starts `citi ARGS` and leaves it running (a sign-in waiting for its browser); killed after the test. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (c) => (out += String(c)));
  child.stderr.on('data', (c) => {
    err += String(c);
    for (const l of listeners) l();
  });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout: out, stderr: err })));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await done;
    }
  });
  return {
    stdout: () => out,
    stderr: () => err,
    write: (text) => child.stdin.write(text),
    done,
    waitForStderr(re, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(err);
          if (m) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`stderr never matched ${re}:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        void done.then(() => setTimeout(check, 0));
      });
    },
  };
}

export const AUTHORIZE_URL = /(http:\/\/127\.0\.0\.1:\d+\/gcb\/api\/authCode\/oauth2\/authorize\?\S+)/;

/**
 * Plays the browser for an auto-consent emulator: opens the authorize URL, follows its redirect to
 * the callback server; returns the code it carried and the page the callback server showed.
 */
export async function followAuthorize(url: string): Promise<{ code: string | null; location: string; page: string; status: number }> {
  const first = await fetch(url, { redirect: 'manual' });
  const location = first.headers.get('location');
  if (first.status !== 302 || !location) throw new Error(`authorize answered ${first.status}`);
  const back = await fetch(location);
  return { code: new URL(location).searchParams.get('code'), location, page: await back.text(), status: back.status };
}

/** Plays the browser through the sign-in and consent pages (no JavaScript needed), then follows the redirect. */
export async function driveConsent(url: string, decision: Decision, user = SANDBOX_USERS[0]): Promise<{ location: string; page: string; status: number }> {
  const res = await consentOverHttp(url, { user, decision });
  const location = res.headers.get('location')!;
  const back = await fetch(location);
  return { location, page: await back.text(), status: back.status };
}

/** The profile's tokens as its store holds them: the file store in `home`, or the given store (the keychain). */
export async function storedTokens(home: string, profile = 'default', store?: SecretStore): Promise<TokenMap> {
  const secrets = store ?? new FileStore(path.join(home, 'citi-sandbox', 'secrets.json'), () => undefined, lockDir({ XDG_CONFIG_HOME: home }));
  const text = await secrets.get(accounts.tokens(profile));
  // The stored form records the identity the tokens belong to (see src/store/tokens.ts).
  return text ? ((JSON.parse(text) as { tokens?: TokenMap }).tokens ?? {}) : {};
}

export async function threeLegged(home: string) {
  const entry = Object.values(await storedTokens(home)).find((r) => r.kind === 'three-legged');
  if (!entry) throw new Error('no three-legged token is stored');
  return entry;
}

export function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
