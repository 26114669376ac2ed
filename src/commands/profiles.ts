/**
 * `citi profiles` and `citi profiles use NAME`: the saved profiles, the default marked, and
 * choosing the default. Definitions only; the implementation is in profiles-run.ts.
 */
import type { Command } from 'commander';
import { examples, factoryFor, type CommandEnv } from './shared.js';

const load = () => import('./profiles-run.js');

export function register(program: Command, env: CommandEnv): void {
  const profiles = program
    .command('profiles')
    .description('List the saved profiles (the default marked *), or choose the default with `citi profiles use NAME`')
    .option('--json', 'print the list as JSON')
    .addHelpText('after', examples('citi profiles', 'citi profiles --json | jq -r \'.[] | select(.default) | .name\'', 'citi profiles use qa'))
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const run = await load();
      await run.runProfilesList(run.profilesDeps(await factoryFor(cmd, env)), opts);
    });
  profiles
    .command('list')
    .description('List the saved profiles (the same as `citi profiles`)')
    .option('--json', 'print the list as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const run = await load();
      await run.runProfilesList(run.profilesDeps(await factoryFor(cmd, env)), { ...cmd.parent?.opts(), ...opts });
    });
  profiles
    .command('use')
    .description('Make a saved profile the default, used when neither --profile nor CITI_PROFILE is given')
    .argument('<name>', 'a saved profile')
    .addHelpText('after', examples('citi profiles use qa'))
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const run = await load();
      await run.runProfilesUse(run.profilesDeps(await factoryFor(cmd, env)), name);
    });
}

