/** `citi client register`: create a PSD2 client from an eIDAS (QWAC) certificate over mutual TLS, and save it as a profile. */
import type { Command } from 'commander';
import { ENVIRONMENTS } from '../citi/endpoints.js';
import { PSD2_DEFAULT_COUNTRY } from '../citi/psd2.js';
import { PASSPHRASE_ENV } from '../config/options.js';
import { examples, factoryFor, type CommandEnv } from './shared.js';

export interface ClientRegisterOptions {
  cert?: string;
  key?: string;
  p12?: string;
  ca?: string;
  p12PassphraseStdin?: boolean;
  env?: string;
  baseUrl?: string;
  country?: string;
  redirectUri?: string;
  name?: string;
  json?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const client = program
    .command('client')
    .description('PSD2 clients: register a new client with an eIDAS certificate')
    .addHelpText('after', examples('citi client register --cert qwac.pem --key qwac.key --ca ca.pem --base-url https://127.0.0.1:8443/gcb/api --profile psd2'));
  client
    .command('register')
    .description('Register a new PSD2 client over mutual TLS with your QWAC certificate; save it as a new profile')
    .option('--cert <file>', 'your QWAC certificate (PEM)')
    .option('--key <file>', 'its private key (PEM)')
    .option('--p12 <file>', 'certificate and key as one PKCS#12 file instead of --cert/--key')
    .option('--p12-passphrase-stdin', `read the PKCS#12 passphrase from stdin (else ${PASSPHRASE_ENV}, else a masked prompt)`)
    .option('--ca <file>', "CA certificate (PEM) to trust for the server's certificate (a private sandbox CA)")
    .option('--env <name>', `Citi environment: ${Object.keys(ENVIRONMENTS).join(', ')}`)
    .option('--base-url <url>', 'any base URL instead of --env (e.g. the local emulator)')
    .option('--country <cc>', `country code (default ${PSD2_DEFAULT_COUNTRY})`)
    .option('--redirect-uri <uri>', 'redirect URI to register for three-legged logins')
    .option('--name <name>', 'client name to register (default: the certificate subject CN)')
    .option('--json', 'print {profile, clientId, organizationId, roles, baseUrl} as JSON')
    .addHelpText(
      'after',
      examples(
        'citi sandbox certs --out certs && citi sandbox start --tls --certs certs --client-ca certs/ca.pem',
        'citi client register --profile psd2 --base-url https://127.0.0.1:8443/gcb/api --cert certs/client.pem --key certs/client-key.pem --ca certs/ca.pem',
        'citi client register --profile psd2 --env sandbox --p12 qwac.p12 --p12-passphrase-stdin < pass.txt',
        'citi token --profile psd2 && citi call --profile psd2 /v1/apac/onboarding/products',
      ),
    )
    .action(async (opts: ClientRegisterOptions, cmd: Command) => {
      const run = await import('./client-run.js');
      await run.runClientRegister(run.clientRegisterDeps(await factoryFor(cmd, env)), opts);
    });
}
