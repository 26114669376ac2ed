/** `citi card enroll|activate|list`: card authorization with an OTP, one card token per card. */
import type { Command } from 'commander';
import { DEFAULT_CARD_SCOPE } from '../citi/card.js';
import { SCOPES } from '../citi/scopes.js';
import { examples, factoryFor, type CommandEnv } from './shared.js';

export interface EnrollOptions {
  country?: string;
  business?: string;
  last4: string;
  phone: string;
  merchantRef?: string;
  scope?: string;
  otp?: string;
  otpStdin?: boolean;
  json?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const card = program
    .command('card')
    .description('Card authorization: enroll a card with an OTP, activate its token, list enrolled cards')
    .addHelpText('after', examples('citi card enroll --country hk --last4 8653 --phone 6590020056', 'citi card activate', 'citi card list --json'));
  card
    .command('enroll')
    .description("Enroll a card: Citi texts an OTP to the card holder's phone; the card token goes to the keychain")
    .option('--country <cc>', "country of the card (default: the profile's)")
    .option('--business <bc>', "business code (default: the profile's, usually gcb)")
    .requiredOption('--last4 <digits>', 'last four digits of the card number')
    .requiredOption('--phone <number>', "the card holder's phone number as Citi has it")
    .option('--merchant-ref <id>', 'merchantCustomerReferenceId: your reference for this customer')
    .option('--scope <scopes>', `card token scope: ${SCOPES.card.join(', ')} (default ${DEFAULT_CARD_SCOPE})`)
    .option('--otp-stdin', 'read the OTP from stdin once it has been sent (CI); else CITI_OTP, else a masked prompt')
    .option('--otp <code>', 'the OTP itself (visible to other users in the process list: prefer --otp-stdin or CITI_OTP)')
    .option('--json', 'print the enrolled card (never its token) as JSON')
    .addHelpText(
      'after',
      examples(
        'citi card enroll --country hk --last4 8653 --phone 6590020056     # asks for the OTP',
        'citi card enroll --last4 8653 --phone 6590020056 --scope Card_Purchase --merchant-ref CB072000128065',
        'echo 987654 | citi card enroll --last4 8653 --phone 6590020056 --otp-stdin    # CI: a sandbox OTP',
        'CITI_OTP=987654 citi card enroll --last4 8653 --phone 6590020056 --json',
      ),
    )
    .action(async (opts: EnrollOptions, cmd: Command) => {
      const run = await import('./card-run.js');
      await run.runCardEnroll(run.cardDeps(await factoryFor(cmd, env)), opts);
    });

  card
    .command('activate')
    .description('Activate the card token for its card (once per card), so card APIs accept it')
    .option('--card <cardId>', 'the card (default: the only one enrolled; a choice on a terminal)')
    .option('--json', 'print {cardId, status} as JSON')
    .addHelpText('after', examples('citi card activate', 'citi card activate --card CARD-8653-0001 --json'))
    .action(async (opts: { card?: string; json?: boolean }, cmd: Command) => {
      const run = await import('./card-run.js');
      await run.runCardActivate(run.cardDeps(await factoryFor(cmd, env)), opts);
    });

  card
    .command('list')
    .description('List enrolled cards: card ID, masked number, status, token expiry (never a token)')
    .option('--json', 'print the list as JSON')
    .addHelpText('after', examples('citi card list', "citi card list --json | jq -r '.[].cardId'"))
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const run = await import('./card-run.js');
      await run.runCardList(run.cardDeps(await factoryFor(cmd, env)), opts);
    });
}
