/**
 * `citi test`: runs smoke suites (YAML) of sign-ins and calls with expectations, for CI. Only the
 * options and help live here; the runner (yaml, ajv, the flows) loads when the command runs.
 */
import { Option, type Command } from 'commander';
import { examples, factoryFor, type CommandEnv } from '../shared.js';

export interface TestOptions {
  sandbox?: boolean;
  reporter: 'pretty' | 'junit' | 'tap' | 'json';
  out?: string;
  bail?: boolean;
  parallel: string;
  retries: string;
  grep?: string;
}

export function register(program: Command, env: CommandEnv): void {
  program
    .command('test')
    .description('Run smoke suites (YAML files of sign-ins and calls with expectations) against a profile or an emulator; exit 1 when any step fails')
    .usage('[options] FILE|DIR...')
    .argument('<files...>', 'suite files (.yml, .yaml), or folders to search for them')
    .option('--sandbox', 'run every suite against an emulator of its own (on loopback, stopped at the end), whatever the suite says')
    .addOption(new Option('--reporter <name>', 'report format: pretty, junit (XML), tap (TAP 14) or json').choices(['pretty', 'junit', 'tap', 'json']).default('pretty'))
    .option('--out <file>', 'write the report to FILE instead of stdout (progress stays on stderr)')
    .option('--bail', 'stop at the first failure: the remaining steps and suites are reported as skipped')
    .option('--parallel <n>', 'run up to N suites at the same time (steps within a suite stay in order)', '1')
    .option('--retries <n>', 'run a failing suite again from its start, up to N more times', '0')
    .option('--grep <text>', 'run only the suites whose name or file contains TEXT (case-insensitive)')
    .addHelpText(
      'after',
      `
Where suites run: --profile P runs every suite with P, --sandbox every suite on an emulator of
its own; otherwise each suite's own "profile:" or "sandbox:", else CITI_PROFILE or the default profile.
The suite file format is described by schemas/citi-suite.schema.json (point your editor at it).
Exit codes: 0 every step passed, 1 a step failed, 2 a bad suite file or usage.
` +
        examples(
          'citi test examples/smoke                         # every suite in the folder',
          'citi test examples/smoke --sandbox --parallel 4  # each suite on its own emulator, four at a time',
          'citi test smoke.yml --profile qa --reporter junit --out junit.xml',
          'citi test smoke/ --reporter tap | tap-parser     # TAP 14 on stdout, progress on stderr',
          'citi test smoke/ --grep "Pay with Points" --bail --retries 1',
        ),
    )
    .action(async (files: string[], opts: TestOptions, cmd: Command) => {
      const { runTest } = await import('./command.js');
      await runTest(await factoryFor(cmd, env), files, opts);
    });
}
