/** `citi revoke`: revoke tokens at the server and forget them here. */
import type { Command } from 'commander';
import { revokeCard } from '../auth/card.js';
import { UsageError } from '../errors.js';
import type { Factory } from '../factory.js';
import { style } from '../ui/style.js';
import { examples, factoryFor, type CommandEnv } from './shared.js';

export interface RevokeOptions {
  card?: string;
}

export function register(program: Command, env: CommandEnv): void {
  program
    .command('revoke')
    .description('Revoke tokens at the server (access and refresh token together) and forget them')
    .option('--card <cardId>', 'the card token of this enrolled card')
    .addHelpText('after', examples('citi revoke --card CARD-8653-0001'))
    .action(async (opts: RevokeOptions, cmd: Command) => runRevoke(factoryFor(cmd, env), opts));
}

export async function runRevoke(f: Factory, opts: RevokeOptions): Promise<void> {
  if (!opts.card) throw new UsageError('Say which tokens to revoke', 'Give --card CARD_ID (see `citi card list`).');
  await revokeCard(await f.authContext(), opts.card);
  const s = await style(f.io.color);
  f.info(`${s.green('✓')} Card token of ${s.bold(opts.card)} revoked at the server and forgotten`);
}
