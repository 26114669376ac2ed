/** Builds the `citi` program: global options, the commands, and the mapping of errors to exit codes. */
import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT } from './errors.js';
import type { FactoryOverrides } from './factory.js';
import { processIO, type IO } from './ui/io.js';
import { packageVersion } from './util/version.js';
import type { CommandEnv } from './commands/shared.js';
import { register as registerLogin } from './commands/login.js';
import { register as registerToken } from './commands/token.js';
import { register as registerCall } from './commands/call.js';
import { register as registerApis } from './commands/apis.js';
import { register as registerSandbox } from './commands/sandbox.js';
import { register as registerDemo } from './commands/demo/index.js';
import { register as registerCard } from './commands/card.js';
import { register as registerRevoke } from './commands/revoke.js';
import { register as registerClient } from './commands/client.js';
import { register as registerStatus } from './commands/status.js';
import { register as registerTest } from './commands/test/index.js';
import { register as registerProfiles } from './commands/profiles.js';
import { register as registerCompletion } from './commands/completion.js';

const EXIT_CODES_HELP = `
Examples:
  citi demo                                          # the whole journey against an embedded emulator
  citi login                                         # save an app's credentials (asks for what it needs)
  citi call /v1/apac/onboarding/products --table     # an authenticated call
  eval "$(citi sandbox start --detach)"              # a local emulator for scripts; citi sandbox stop
  citi help card enroll                              # help on any command

Exit codes:
  0  success
  1  API or HTTP error (including connection failures)
  2  usage error (bad flags or input, unknown profile)
  3  authentication failed (wrong credentials, consent denied, bad OTP)
  4  credential store unavailable (OS keychain)

Environment:
  CITI_PROFILE, CITI_BASE_URL, CITI_COUNTRY, CITI_BUSINESS, CITI_CLIENT_ID, CITI_CLIENT_SECRET,
  CITI_STORE (keychain|file|memory), CITI_OTP, CITI_USERNAME, CITI_PASSWORD, CITI_P12_PASSPHRASE, CITI_NO_PROMPT,
  CITI_TIMEOUT_MS, CITI_KEYCHAIN_TIMEOUT_MS, NODE_EXTRA_CA_CERTS, BROWSER, NO_COLOR, FORCE_COLOR
  HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY (or lower case): e.g. HTTPS_PROXY=http://user:pass@proxy:3128

Start here: citi demo    (the whole journey against an embedded emulator)`;

export function buildProgram(env: CommandEnv): Command {
  const program = new Command('citi')
    .description("Test Citi's API Hub from a terminal or CI: credentials in the OS keychain, every OAuth flow, calls, and a local emulator")
    .version(packageVersion(), '-V, --version')
    .option('-p, --profile <name>', 'profile to use (default: CITI_PROFILE, else the default profile)')
    .addOption(new Option('--store <kind>', 'where secrets live: keychain (default), file (plaintext, 0600), memory').choices(['keychain', 'file', 'memory']))
    .option('-v, --verbose', 'trace HTTP requests to stderr (secrets redacted)')
    .option('--no-color', 'no colours (also NO_COLOR; FORCE_COLOR=1 colours even off a terminal)')
    .helpCommand('help [command...]', 'show the help of a command, e.g. citi help card enroll')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .configureOutput({
      writeOut: (s) => env.io.stdout.write(s),
      writeErr: (s) => env.io.stderr.write(s),
    })
    .exitOverride();
  registerLogin(program, env);
  registerToken(program, env);
  registerCall(program, env);
  registerApis(program, env);
  registerSandbox(program, env);
  registerDemo(program, env);
  registerCard(program, env);
  registerRevoke(program, env);
  registerClient(program, env);
  registerStatus(program, env);
  registerTest(program, env);
  registerProfiles(program, env);
  registerCompletion(program, env);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI; resolves to the exit code. Tests pass their own IO and overrides. */
export async function main(argv: string[], io?: IO, overrides?: FactoryOverrides): Promise<number> {
  const theIO = io ?? processIO(argv.includes('--no-color'));
  const program = buildProgram({ io: theIO, ...(overrides ? { overrides } : {}) });
  try {
    await program.parseAsync(helpArgv(argv));
    return EXIT.ok;
  } catch (err) {
    return reportError(err, theIO, argv.includes('--verbose') || argv.includes('-v'));
  }
}

/**
 * `citi help card enroll` → `citi card enroll --help`: commander's help command looks at one word
 * only, so a subcommand's help would show its group's.
 */
export function helpArgv(argv: string[]): string[] {
  let at = 2;
  // Skip the global options, and the values of those that take one.
  while (at < argv.length && argv[at]!.startsWith('-')) at += ['-p', '--profile', '--store'].includes(argv[at]!) ? 2 : 1;
  if (argv[at] !== 'help' || argv.length - at < 3) return argv;
  return [...argv.slice(0, at), ...argv.slice(at + 1), '--help'];
}

function reportError(err: unknown, io: IO, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version "errors" are successes; commander already printed usage errors.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return EXIT.ok;
    if (err.code === 'commander.help') return EXIT.ok;
    return EXIT.usage;
  }
  if (err instanceof CliError) {
    io.stderr.write(`error: ${err.message}\n`);
    if (err.hint) io.stderr.write(`  ${err.hint}\n`);
    return err.exitCode;
  }
  if (isPromptCancel(err)) {
    io.stderr.write('error: cancelled\n');
    return EXIT.usage;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`error: ${message}\n`);
  if (verbose && err instanceof Error && err.stack) io.stderr.write(err.stack + '\n');
  return EXIT.api;
}

function isPromptCancel(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}
