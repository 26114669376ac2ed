/** `citi token`: print an access token, reused from the store until shortly before it expires. */
import type { Command } from 'commander';
import { twoLeggedToken, type TokenSource } from '../auth/client-credentials.js';
import type { Factory } from '../factory.js';
import type { TokenRecord } from '../store/tokens.js';
import { printJson, writeLine } from '../ui/output.js';
import { examples, factoryFor, type CommandEnv } from './shared.js';

export interface TokenOptions {
  scope?: string;
  json?: boolean;
  force?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  program
    .command('token')
    .description('Print an access token (two-legged by default), cached until shortly before it expires')
    .option('--scope <scope>', 'scope to request (two-legged: /api)')
    .option('--force', 'get a new token even if a cached one is still valid')
    .option('--json', 'print {access_token, token_type, expires_at, scope, source} as JSON')
    .addHelpText(
      'after',
      examples(
        'citi token                         # the token alone, for $(citi token)',
        'curl -H "Authorization: Bearer $(citi token)" ...',
        'citi token --json --force          # a new token, with its expiry',
      ),
    )
    .action(async (opts: TokenOptions, cmd: Command) => runToken(factoryFor(cmd, env), opts));
}

export async function runToken(f: Factory, opts: TokenOptions): Promise<void> {
  const ctx = await f.authContext();
  const { record, source } = await twoLeggedToken(ctx, { ...(opts.scope ? { scope: opts.scope } : {}), force: Boolean(opts.force) });
  await printToken(f, record, source, Boolean(opts.json));
}

export async function printToken(f: Factory, record: TokenRecord, source: TokenSource, json: boolean): Promise<void> {
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
