/** `citi status`: the profile's stored tokens (kind, scopes, lifetimes, where stored), never a secret. */
import type { Command } from 'commander';
import { examples, factoryFor, type CommandEnv } from './shared.js';

export function register(program: Command, env: CommandEnv): void {
  program
    .command('status')
    .description("Show the profile's stored tokens: kind, scopes, expiry, where they are kept (never the tokens)")
    .option('--json', 'print the same as JSON')
    .addHelpText('after', examples('citi status', 'citi status --profile local --json'))
    .action(async (opts: { json?: boolean }, cmd: Command) => (await import('./status-run.js')).runStatus(await factoryFor(cmd, env), opts));
}
