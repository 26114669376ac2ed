/** `citi status`: the config file, every profile and where its secrets live, and the profile's stored tokens; never a secret. */
import type { Command } from 'commander';
import { examples, factoryFor, type CommandEnv } from './shared.js';

export function register(program: Command, env: CommandEnv): void {
  program
    .command('status')
    .description("Show the config file, the profiles and where their secrets live, and the profile's tokens (never a secret)")
    .option('--json', 'print the same as JSON')
    .addHelpText('after', examples('citi status', 'citi status --profile local --json', "citi status --json | jq '.profiles[] | {name, secrets}'"))
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const run = await import('./status-run.js');
      await run.runStatus(run.statusDeps(await factoryFor(cmd, env)), opts);
    });
}
