/** `citi login` / `citi logout`: keep an app's client ID (config) and secret (store) per profile. */
import type { Command } from 'commander';
import { COUNTRIES, ENVIRONMENTS } from '../citi/endpoints.js';
import { CUSTOMER_SIGN_INS, PASSPHRASE_ENV } from '../config/options.js';
import { examples, factoryFor, type CommandEnv } from './shared.js';

export interface LoginOptions {
  env?: string;
  baseUrl?: string;
  country?: string;
  business?: string;
  clientId?: string;
  clientSecretStdin?: boolean;
  redirectUri?: string;
  verify?: boolean;
  json?: boolean;
  /** A client certificate for mutual TLS (see src/http/tls-material.ts). */
  cert?: string;
  key?: string;
  p12?: string;
  p12PassphraseStdin?: boolean;
  ca?: string;
  /** How customers sign in for customer APIs: browser (three-legged) or password (the password grant). */
  customerSignIn?: string;
  /** The customer's user ID for the password grant. */
  username?: string;
  /** For callers in code (the demo): the secret itself. Never a command-line flag. */
  clientSecret?: string;
}

export function register(program: Command, env: CommandEnv): void {
  program
    .command('login')
    .description("Save an app's client ID and secret for a profile (the secret goes to the OS keychain)")
    .option('--env <name>', `Citi environment: ${Object.keys(ENVIRONMENTS).join(', ')}`)
    .option('--base-url <url>', 'any base URL instead of --env (e.g. the local emulator)')
    .option('--country <cc>', `country code (${COUNTRIES.slice(0, 6).join(', ')}, ...)`)
    .option('--business <bc>', 'business code', undefined)
    .option('--client-id <id>', "the app's client ID")
    .option('--client-secret-stdin', 'read the client secret from stdin (else CITI_CLIENT_SECRET, else a masked prompt)')
    .option('--redirect-uri <uri>', 'redirect URI registered with Citi for three-legged logins')
    .option('--cert <file>', 'client certificate (PEM) for mutual TLS on every request of the profile')
    .option('--key <file>', 'private key (PEM) of --cert')
    .option('--p12 <file>', 'client certificate and key as one PKCS#12 file instead of --cert/--key')
    .option('--p12-passphrase-stdin', `read the PKCS#12 passphrase from stdin (else ${PASSPHRASE_ENV}, else a masked prompt); kept in the store`)
    .option('--ca <file>', "CA certificate (PEM) to trust for the server's certificate (a private sandbox CA)")
    .option('--customer-sign-in <how>', `how customers sign in for customer APIs: ${CUSTOMER_SIGN_INS.join(' or ')} (the password grant, headless)`)
    .option('--username <id>', "the customer's user ID for --customer-sign-in password (the password is never saved)")
    .option('--no-verify', 'save without checking the credentials by getting a token')
    .option('--json', 'print the saved profile as JSON')
    .addHelpText(
      'after',
      examples(
        'citi login                                   # asks for what it needs',
        'citi login --env sandbox --country sg --client-id $ID --client-secret-stdin < secret.txt',
        'CITI_CLIENT_SECRET=... citi login --profile local --base-url http://127.0.0.1:8080/gcb/api --client-id sandbox-client',
        'citi login --store file ...                  # no keychain: a 0600 plaintext file, by your choice',
        'citi login --profile psd2 --cert qwac.pem --key qwac-key.pem --ca ca.pem   # mutual TLS for an existing profile',
        'citi login --customer-sign-in password --username SandboxUser1   # customer APIs by the password grant (CI)',
      ),
    )
    .action(async (opts: LoginOptions, cmd: Command) => {
      const run = await import('./login-run.js');
      await run.runLogin(run.loginDeps(await factoryFor(cmd, env)), opts);
    });

  program
    .command('logout')
    .description("Forget a profile's client secret and cached tokens (revoke them first with `citi revoke`)")
    .option('--forget-profile', 'remove the profile settings too')
    .option('--all-identities', 'also forget the cached tokens of every environment identity (CITI_CLIENT_ID, CITI_BASE_URL, ... runs) in the store')
    .addHelpText('after', examples('citi logout', 'citi logout --profile qa --forget-profile', 'CITI_CLIENT_ID=... CITI_CLIENT_SECRET=... citi logout   # the tokens of that identity', 'citi logout --all-identities --store file'))
    .action(async (opts: { forgetProfile?: boolean; allIdentities?: boolean }, cmd: Command) => {
      const run = await import('./login-run.js');
      await run.runLogout(run.loginDeps(await factoryFor(cmd, env)), opts);
    });
}
