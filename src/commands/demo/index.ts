/** `citi demo`: the whole journey against an embedded emulator, with a memory store (no keychain needed). */
import type { Command } from 'commander';
import { examples, factoryFor, type CommandEnv } from '../shared.js';

export function register(program: Command, env: CommandEnv): void {
  program
    .command('demo')
    .description('Walk the whole journey against an embedded emulator (offline; touches no keychain or config)')
    .addHelpText('after', examples('npx citi demo', 'citi demo --verbose    # with the HTTP trace, secrets redacted'))
    .action(async (_opts: unknown, cmd: Command) => (await import('./demo-run.js')).runDemo(await factoryFor(cmd, env)));
}
