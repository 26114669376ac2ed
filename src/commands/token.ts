/** `citi token`: print an access token, reused from the store until shortly before it expires. */
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { twoLeggedToken, type TokenSource } from '../auth/client-credentials.js';
import type { ThreeLeggedSource } from '../auth/authorization-code.js';
import { UsageError } from '../errors.js';
import type { Factory } from '../factory.js';
import type { TokenRecord } from '../store/tokens.js';
import { canPrompt } from '../ui/io.js';
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
}

export function register(program: Command, env: CommandEnv): void {
  program
    .command('token')
    .description('Print an access token (two-legged by default, or three-legged with browser consent), cached until shortly before it expires')
    .option('--scope <scope>', 'scope to request (two-legged: /api; three-legged: space-separated, e.g. "accounts_details_transactions customers_profiles")')
    .option('--force', 'get a new token even if a cached one is still valid (three-legged: sign in again)')
    .option('--three-legged', "a customer's token: sign in and consent in the browser, then refreshed without it")
    .option('--no-browser', 'three-legged: only print the sign-in URL, do not open one (else: BROWSER, or the desktop opener)')
    .option('--manual', 'three-legged: paste the redirect URL at a prompt or on stdin (when the browser cannot reach this machine)')
    .option('--timeout <duration>', 'three-legged: how long to wait for the sign-in (default 180s, at most 24h)')
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
      ),
    )
    .action(async (opts: TokenOptions, cmd: Command) => runToken(factoryFor(cmd, env), opts));
}

export async function runToken(f: Factory, opts: TokenOptions): Promise<void> {
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
