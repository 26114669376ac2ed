/** `citi token`: print an access token, reused from the store until shortly before it expires. */
import type { Command } from 'commander';
import { examples, factoryFor, type CommandEnv } from './shared.js';

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
    .option('--username <id>', "--password: the customer's user ID (else CITI_USERNAME, else the profile's, else a prompt)")
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
    .action(async (opts: TokenOptions, cmd: Command) => {
      const run = await import('./token-run.js');
      await run.runToken(run.tokenDeps(await factoryFor(cmd, env)), opts);
    });
}
