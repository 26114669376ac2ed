/** `citi apis`: Citi's API catalogue. Registration only; the work is in apis-run.ts, loaded when run. */
import type { Command } from 'commander';
import { examples, type CommandEnv } from './shared.js';

export interface ApisOptions {
  market?: string;
  product?: string;
  kind?: string;
  json?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const apis = program
    .command('apis')
    .description("List Citi's published API endpoints with the token and scope each takes (the catalogue citi call and the emulator use)")
    .argument('[text]', 'only endpoints whose path, summary, product or scope contains TEXT (any case)')
    .option('--market <cc>', 'only endpoints Citi publishes for this market (country code, e.g. sg, in, gb)')
    .option('--product <name>', 'only this API product, e.g. Accounts, Cards, "Money movement", Onboarding')
    .option('--kind <kind>', 'only endpoints taking this kind of token: two-legged, three-legged, card')
    .option('--json', 'print [{method, path, product, markets, kind, scope, summary}]')
    .addHelpText(
      'after',
      examples(
        'citi apis                                  # every endpoint, as a table',
        'citi apis payees --market gb',
        'citi apis --product "Money movement" --json | jq -r \'.[].path\'',
        'citi apis --kind card',
        'citi apis show GET /v1/accounts/{accountId}',
        'citi apis show POST /v1/moneyMovement/personalDomesticTransfers/preprocess --json',
      ),
    )
    .action(async (text: string | undefined, opts: ApisOptions) => {
      const { runApis } = await import('./apis-run.js');
      await runApis(env.io, text, opts);
    });
  apis
    .command('show')
    .description('Show one endpoint: parameters, token kind and scope, an example request body, the fields of its answer')
    .argument('<method>', 'HTTP method')
    .argument('<path>', 'path template (/v1/accounts/{accountId}) or a concrete path (/v1/accounts/SAV123)')
    .option('--json', 'print the same as JSON, with the JSON Schemas')
    .addHelpText('after', examples('citi apis show GET /v1/accounts/{accountId}', 'citi apis show POST /v1/apac/rewards/linkage --json'))
    .action(async (method: string, path: string, opts: { json?: boolean }, cmd: Command) => {
      const { runApisShow } = await import('./apis-run.js');
      // `apis` has a --json of its own, which commander may hand to it instead.
      await runApisShow(env.io, method, path, { json: Boolean(opts.json ?? cmd.optsWithGlobals<{ json?: boolean }>().json) });
    });
}
