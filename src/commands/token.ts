/** `citi token`: print an access token, reused from the store until shortly before it expires. */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { twoLeggedToken, type TokenSource } from '../auth/client-credentials.js';
import type { ThreeLeggedSource } from '../auth/authorization-code.js';
import { UsageError } from '../errors.js';
import type { Factory } from '../factory.js';
import type { TokenRecord } from '../store/tokens.js';
import { canPrompt, readAll } from '../ui/io.js';
import { printJson, writeLine } from '../ui/output.js';
import { formatDuration, MAX_WAIT } from '../util/duration.js';
import { durationFlag, examples, factoryFor, type CommandEnv } from './shared.js';

export interface TokenOptions {
  scope?: string;
  json?: boolean;
  force?: boolean;
  threeLegged?: boolean;
  /** `--no-browser` sets this to false. */
  browser?: boolean;
  manual?: boolean;
  timeout?: string;
  /** `--password`: a customer token by the password grant (the password itself never comes from argv). */
  password?: boolean;
  username?: string;
  passwordStdin?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  program
    .command('token')
    .description("Print an access token (two-legged by default; a customer's with --three-legged in the browser or --password headless), cached until shortly before it expires")
    .option('--scope <scope>', 'scope to request (two-legged: /api; three-legged: space-separated, e.g. "accounts_details_transactions customers_profiles")')
    .option('--force', 'get a new token even if a cached one is still valid (three-legged: sign in again)')
    .option('--three-legged', "a customer's token: sign in and consent in the browser, then refreshed without it")
    .option('--no-browser', 'three-legged: only print the sign-in URL, do not open one (else: BROWSER, or the desktop opener)')
    .option('--manual', 'three-legged: paste the redirect URL at a prompt or on stdin (when the browser cannot reach this machine)')
    .option('--timeout <duration>', 'three-legged: how long to wait for the sign-in (default 180s, at most 24h)')
    .option('--password', "a customer's token by the password grant (headless: no browser); the password from --password-stdin, CITI_PASSWORD or a masked prompt")
    .option('--username <id>', "--password: the customer's user ID (else the profile's, CITI_USERNAME or a prompt)")
    .option('--password-stdin', "--password: read the customer's password from stdin")
    .option('--json', 'print {access_token, token_type, expires_at, scope, source} as JSON')
    .addHelpText(
      'after',
      examples(
        'citi token                         # the token alone, for $(citi token)',
        'curl -H "Authorization: Bearer $(citi token)" ...',
        'citi token --json --force          # a new token, with its expiry',
        'citi token --three-legged --scope "accounts_details_transactions customers_profiles"',
        'citi token --three-legged --no-browser --timeout 5m   # open the printed URL yourself',
        'BROWSER="firefox --private-window" citi token --three-legged   # the browser to open (%s: the URL)',
        'citi token --three-legged --manual < redirect-url.txt # the address the browser was sent to',
        'citi token --password --username SandboxUser1 --password-stdin < password.txt   # headless, for CI',
        'CITI_USERNAME=SandboxUser1 CITI_PASSWORD=... citi token --password --json',
      ),
    )
    .action(async (opts: TokenOptions, cmd: Command) => runToken(factoryFor(cmd, env), opts));
}

export async function runToken(f: Factory, opts: TokenOptions): Promise<void> {
  if (opts.password && opts.threeLegged) throw new UsageError('Give --password or --three-legged, not both');
  if (opts.password) return runPasswordToken(f, opts);
  const passwordOnly = [opts.username && '--username', opts.passwordStdin && '--password-stdin'].filter(Boolean);
  if (passwordOnly.length) throw new UsageError(`${passwordOnly.join(', ')} only apply to --password`);
  if (opts.threeLegged) return runThreeLeggedToken(f, opts);
  const only = [opts.browser === false && '--no-browser', opts.manual && '--manual', opts.timeout && '--timeout'].filter(Boolean);
  if (only.length) throw new UsageError(`${only.join(', ')} only apply to --three-legged`);
  const ctx = await f.authContext();
  const { record, source } = await twoLeggedToken(ctx, { ...(opts.scope ? { scope: opts.scope } : {}), force: Boolean(opts.force) });
  await printToken(f, record, source, Boolean(opts.json));
}

export async function printToken(f: Factory, record: TokenRecord, source: TokenSource | ThreeLeggedSource, json: boolean): Promise<void> {
  if (json) {
    await printJson(f.io, {
      access_token: record.accessToken,
      token_type: record.tokenType,
      expires_at: new Date(record.expiresAt).toISOString(),
      scope: record.scope,
      source,
    });
  } else {
    writeLine(f.io.stdout, record.accessToken);
  }
}

/** `--password`: the password grant; the password is read from stdin, CITI_PASSWORD or a prompt only when a new sign-in is needed. */
async function runPasswordToken(f: Factory, opts: TokenOptions): Promise<void> {
  const only = [opts.browser === false && '--no-browser', opts.manual && '--manual', opts.timeout && '--timeout', opts.scope && '--scope'].filter(Boolean);
  if (only.length) throw new UsageError(`${only.join(', ')} do not apply to --password`);
  if (opts.passwordStdin && f.io.stdin.isTTY) throw new UsageError('--password-stdin reads a pipe, but stdin is a terminal', 'Pipe the password in, or leave the flag out to be asked.');
  const { passwordToken } = await import('../auth/password.js');
  const ctx = await f.authContext();
  const username = opts.username ?? ctx.profile.username;
  const credentials = async (u?: string) => {
    let password: string | undefined;
    if (opts.passwordStdin) {
      // One line: a trailing newline from `echo` or a file is not part of the password.
      password = (await readAll(f.io.stdin)).replace(/\r?\n$/, '');
      if (!password) throw new UsageError('--password-stdin: stdin was empty');
    }
    return f.customerCredentials(u, password);
  };
  const { record, source } = await passwordToken(ctx, { ...(username ? { username } : {}), credentials, force: Boolean(opts.force) });
  if (source !== 'cache') {
    f.info(`Password-grant token ${source === 'new' ? 'stored' : 'refreshed'} for ${record.meta?.username ?? 'the customer'}: ${record.scope}, expires in ${formatDuration(record.expiresAt - f.now())}`);
  }
  await printToken(f, record, source, Boolean(opts.json));
}

async function runThreeLeggedToken(f: Factory, opts: TokenOptions): Promise<void> {
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
    await printToken(f, record, source, Boolean(opts.json));
  } finally {
    paste?.close();
  }
}

/** `--manual`: the redirect URL from a prompt on a terminal, else the first line of stdin. */
function pastedLine(f: Factory): { read: () => Promise<string>; close: () => void } {
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
  let lines: ReturnType<typeof createInterface> | undefined;
  return {
    read: () =>
      new Promise<string>((resolve, reject) => {
        lines = createInterface({ input: f.io.stdin, terminal: false });
        lines.on('line', (line) => {
          if (line.trim()) {
            resolve(line.trim());
            lines?.close();
          }
        });
        lines.on('close', () => reject(new UsageError('--manual: stdin ended before a redirect URL was given', 'Pipe the address in, or run on a terminal to paste it.')));
      }),
    close: () => {
      lines?.close();
      // Done with stdin: an open pipe would keep the process alive.
      f.io.stdin.destroy();
    },
  };
}
