/** `citi call`: an authenticated API call with Citi's headers; the answer as JSON, a table or raw. */
import type { Command } from 'commander';
import { TOKEN_KINDS } from '../citi/scopes.js';
import { HTTP_METHODS } from '../citi/endpoints.js';
import { collect, examples, factoryFor, type CommandEnv } from './shared.js';

export interface CallOptions {
  data?: string;
  header?: string[];
  query?: string[];
  json?: boolean;
  table?: boolean;
  raw?: boolean;
  include?: boolean;
  auth?: string;
  card?: string;
  validate?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  program
    .command('call')
    .description("Make an authenticated call to a Citi API, with Citi's headers, and show the answer")
    .usage('[options] [METHOD] PATH')
    .argument('<method-or-path>', `HTTP method (${HTTP_METHODS.join(', ')}; GET by default, POST with --data), or PATH when no method is given`)
    .argument('[path]', 'API path under the base URL, e.g. /v1/apac/onboarding/products')
    .option('-d, --data <json>', 'request body: JSON text, @file, or @- for stdin')
    .option('-H, --header <key:value>', 'extra header (repeatable)', collect)
    .option('-q, --query <key=value>', 'query parameter (repeatable)', collect)
    .option('--json', 'print the answer as plain JSON')
    .option('--table', "print the answer's list as a table")
    .option('--raw', 'print the answer exactly as received')
    .option('-i, --include', 'print the status line and response headers first')
    .option('--auth <kind>', `kind of token: ${TOKEN_KINDS.join(', ')} (default: from the API catalogue; customer APIs take the password grant's when the profile says --customer-sign-in password)`)
    .option('--card <cardId>', 'use the card access token of this enrolled card')
    .option('--validate', "check the answer against Citi's published schema for the endpoint (exit 1 naming the fields that differ; exit 2 when Citi publishes no answer schema and the answer is not empty)")
    .addHelpText(
      'after',
      examples(
        'citi call /v1/apac/onboarding/products --table',
        'citi call POST /v1/apac/rewards/linkage --data @card.json',
        `citi call PUT /v1/apac/rewards/RLC00000001/activations --data '{"linkageConfirmationCode":"987654"}'`,
        'echo \'{"a":1}\' | citi call POST /v1/some/api --data @- --json',
        'CITI_USERNAME=SandboxUser1 CITI_PASSWORD=... citi call GET /v1/accounts --auth password   # headless customer token',
        'citi call GET /v1/accounts --validate     # does the answer still match the published contract?',
      ),
    )
    .action(async (first: string, path: string | undefined, opts: CallOptions, cmd: Command) => {
      // A lone argument is the path; two are METHOD PATH.
      const [m, p] = path === undefined ? [undefined, first] : [first, path];
      const run = await import('./call-run.js');
      await run.runCall(run.callDeps(await factoryFor(cmd, env)), m, p, opts);
    });
}
