/**
 * `citi completion bash|zsh|fish` prints a shell script; the script asks the hidden
 * `citi __complete -- WORDS…` for candidates, so commands, options, profile names, card IDs and API
 * paths come from the program itself and never go stale. Definitions only; the implementation is
 * in completion-run.ts.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { examples, factoryFor, type CommandEnv } from './shared.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const load = () => import('./completion-run.js');

export function register(program: Command, env: CommandEnv): void {
  program
    .command('completion')
    .description('Print the shell completion script for bash, zsh or fish (commands, options, profiles, card IDs, API paths)')
    .argument('<shell>', SHELLS.join(', '))
    .addHelpText(
      'after',
      examples(
        "echo 'source <(citi completion bash)' >> ~/.bashrc",
        "echo 'source <(citi completion zsh)' >> ~/.zshrc         # after compinit",
        'citi completion fish > ~/.config/fish/completions/citi.fish',
      ),
    )
    .action(async (shell: string) => {
      if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`No completion for "${shell}"`, `Choose one of ${SHELLS.join(', ')}.`);
      env.io.stdout.write((await load()).completionScript(shell as Shell));
    });
  program
    .command('__complete', { hidden: true })
    .description('candidates for the word being completed (used by the completion scripts)')
    .argument('[words...]', 'the words after `citi`, the last one being the word under the cursor')
    .allowUnknownOption()
    .action(async (words: string[], _opts: unknown, cmd: Command) => {
      const run = await load();
      const found = await run.candidates(program, words.length ? words : [''], run.completionDeps(await factoryFor(cmd, env)));
      if (found.length) env.io.stdout.write(found.join('\n') + '\n');
    });
}

