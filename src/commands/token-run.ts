/** The implementation of `citi token`, loaded when the command runs. */
import type { Interface } from 'node:readline';
import { twoLeggedToken, type TokenSource } from '../auth/client-credentials.js';
import type { ThreeLeggedSource } from '../auth/authorization-code.js';
import { UsageError } from '../errors.js';
import type { AuthContext } from '../auth/context.js';
import type { Factory } from '../factory.js';
import type { TokenRecord } from '../store/tokens.js';
import { canPrompt, readSecretFromStdin, requireStdinPipe, type IO } from '../ui/io.js';
import type { Prompter } from '../ui/prompt.js';
import { printJson, writeLine } from '../ui/output.js';
import { formatDuration, MAX_WAIT } from '../util/duration.js';
import { durationFlag } from './shared.js';
import type { TokenOptions } from './token.js';

/** What `citi token` uses: built from the Factory by tokenDeps. */
export interface TokenDeps {
  io: IO;
  authContext(): Promise<AuthContext>;
  prompter(): Prompter;
  openBrowser(url: string): Promise<void>;
  customerCredentials(username: string | undefined, password?: string): Promise<{ username: string; password: string }>;
  now(): number;
  info(message: string): void;
}

export function tokenDeps(f: Factory): TokenDeps {
  return {
    io: f.io,
    authContext: () => f.authContext(),
    prompter: () => f.prompter(),
    openBrowser: (url) => f.openBrowser(url),
    customerCredentials: (username, password) => f.customerCredentials(username, password),
    now: () => f.now(),
    info: (m) => f.info(m),
  };
}

export async function runToken(f: TokenDeps, opts: TokenOptions): Promise<void> {
  if (opts.password && opts.threeLegged) throw new UsageError('Give --password or --three-legged, not both');
  if (opts.password) return runPasswordToken(f, opts);
  const passwordOnly = [opts.username && '--username', opts.passwordStdin && '--password-stdin'].filter(Boolean);
  if (passwordOnly.length) throw new UsageError(`${passwordOnly.join(', ')} only apply to --password`);
  if (opts.threeLegged) return runThreeLeggedToken(f, opts);
  const only = [opts.browser === false && '--no-browser', opts.manual && '--manual', opts.timeout && '--timeout'].filter(Boolean);
  if (only.length) throw new UsageError(`${only.join(', ')} only apply to --three-legged`);
  const ctx = await f.authContext();
  const { record, source } = await twoLeggedToken(ctx, { ...(opts.scope ? { scope: opts.scope } : {}), force: Boolean(opts.force) });
  await printToken(f.io, record, source, Boolean(opts.json));
}

export async function printToken(io: IO, record: TokenRecord, source: TokenSource | ThreeLeggedSource, json: boolean): Promise<void> {
  if (json) {
    await printJson(io, {
      access_token: record.accessToken,
      token_type: record.tokenType,
      expires_at: new Date(record.expiresAt).toISOString(),
      scope: record.scope,
      source,
    });
  } else {
    writeLine(io.stdout, record.accessToken);
  }
}

/** `--password`: the password grant; the password is read from stdin, CITI_PASSWORD or a prompt only when a new sign-in is needed. */
async function runPasswordToken(f: TokenDeps, opts: TokenOptions): Promise<void> {
  const only = [opts.browser === false && '--no-browser', opts.manual && '--manual', opts.timeout && '--timeout', opts.scope && '--scope'].filter(Boolean);
  if (only.length) throw new UsageError(`${only.join(', ')} do not apply to --password`);
  if (opts.passwordStdin) requireStdinPipe(f.io, '--password-stdin', 'password');
  const { customerUsername, passwordToken } = await import('../auth/password.js');
  const ctx = await f.authContext();
  const username = customerUsername(ctx.profile, opts.username);
  const credentials = async (u?: string) => {
    const password = opts.passwordStdin ? await readSecretFromStdin(f.io, '--password-stdin', 'password') : undefined;
    return f.customerCredentials(u, password);
  };
  const { record, source } = await passwordToken(ctx, { ...(username ? { username } : {}), credentials, force: Boolean(opts.force) });
  if (source !== 'cache') {
    f.info(`Password-grant token ${source === 'new' ? 'stored' : 'refreshed'} for ${record.meta?.username ?? 'the customer'}: ${record.scope}, expires in ${formatDuration(record.expiresAt - f.now())}`);
  }
  await printToken(f.io, record, source, Boolean(opts.json));
}

async function runThreeLeggedToken(f: TokenDeps, opts: TokenOptions): Promise<void> {
  const { threeLeggedToken, DEFAULT_LOGIN_TIMEOUT_MS } = await import('../auth/authorization-code.js');
  if (opts.manual && opts.browser === false) throw new UsageError('Give --manual or --no-browser, not both');
  const timeoutMs = opts.timeout === undefined ? DEFAULT_LOGIN_TIMEOUT_MS : durationFlag(opts.timeout, '--timeout', { max: MAX_WAIT });
  const ctx = await f.authContext();
  const paste = opts.manual ? pastedLine(f) : undefined;
  try {
    const login = {
      timeoutMs,
      ...(opts.browser !== false && !opts.manual ? { openBrowser: (url: string) => f.openBrowser(url) } : {}),
      ...(paste ? { pasteRedirect: paste.read } : {}),
    };
    const { record, source } = await threeLeggedToken(ctx, { ...(opts.scope ? { scope: opts.scope } : {}), force: Boolean(opts.force), login });
    if (source !== 'cache') f.info(`Three-legged token ${source === 'new' ? 'stored' : 'refreshed'}: ${record.scope}, expires in ${formatDuration(record.expiresAt - f.now())}`);
    await printToken(f.io, record, source, Boolean(opts.json));
  } finally {
    paste?.close();
  }
}

/** `--manual`: the redirect URL from a prompt on a terminal, else the first line of stdin. */
function pastedLine(f: Pick<TokenDeps, 'io' | 'prompter'>): { read: () => Promise<string>; close: () => void } {
  if (canPrompt(f.io)) {
    // Aborted on close, so a timed-out prompt lets go of the terminal and the process can exit.
    const controller = new AbortController();
    return {
      read: () => {
        const answer = f.prompter().input('Paste the address the browser was sent to', {
          validate: (v) => (v.trim() ? true : 'Required'),
          signal: controller.signal,
        });
        answer.catch(() => undefined); // its abort after a timeout is expected, not an unhandled rejection
        return answer;
      },
      close: () => controller.abort(),
    };
  }
  let lines: Interface | undefined;
  return {
    read: async () => {
      // readline only here: loading it costs every `citi token` time
      const { createInterface } = await import('node:readline');
      return new Promise<string>((resolve, reject) => {
        lines = createInterface({ input: f.io.stdin, terminal: false });
        lines.on('line', (line) => {
          if (line.trim()) {
            resolve(line.trim());
            lines?.close();
          }
        });
        lines.on('close', () => reject(new UsageError('--manual: stdin ended before a redirect URL was given', 'Pipe the address in, or run on a terminal to paste it.')));
      });
    },
    close: () => {
      lines?.close();
      // Done with stdin: an open pipe would keep the process alive.
      f.io.stdin.destroy();
    },
  };
}
