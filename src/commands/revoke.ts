/** `citi revoke`: revoke the profile's tokens at the server (with token_type_hint), then forget them. */
import type { Command } from 'commander';
import { collect, examples, factoryFor, type CommandEnv } from './shared.js';

export interface RevokeOptions {
  twoLegged?: boolean;
  threeLegged?: boolean;
  all?: boolean;
  /** Card IDs whose card tokens to revoke (repeatable). */
  card?: string[];
  json?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  program
    .command('revoke')
    .description("Revoke the profile's tokens at the server, then forget them (all of them unless a kind is given)")
    .option('--two-legged', 'the two-legged tokens')
    .option('--three-legged', 'the customer tokens (three-legged and password grant); the server revokes each access/refresh pair')
    .option('--card <cardId>', 'the card token of this enrolled card (repeatable)', collect)
    .option('--all', 'every token of the profile (the default)')
    .option('--json', 'print what was revoked as JSON')
    .addHelpText(
      'after',
      examples('citi revoke --three-legged', 'citi revoke --card CARD-8653-0001', 'citi revoke --all --json', 'citi revoke --profile qa --two-legged'),
    )
    .action(async (opts: RevokeOptions, cmd: Command) => {
      const run = await import('./revoke-run.js');
      await run.runRevoke(run.revokeDeps(await factoryFor(cmd, env)), opts);
    });
}
