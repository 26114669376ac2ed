/** `citi sandbox start`: the local emulator of Citi's sandbox, on loopback. */
import type { Command } from 'commander';
import type { SandboxCertsFlags, SandboxTlsFlags } from '../sandbox/certs-run.js';
import { collect, examples, factoryFor, streamDeps, type CommandEnv } from './shared.js';

export interface SandboxStartOptions extends SandboxTlsFlags {
  port?: string;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  accessTtl?: string;
  refreshTtl?: string;
  codeTtl?: string;
  controlFlowTtl?: string;
  bizTokenTtl?: string;
  redirectUri?: string[];
  autoConsent?: boolean;
  json?: boolean;
  quiet?: boolean;
  detach?: boolean;
  pidFile?: string;
}

export interface SandboxCertsOptions extends SandboxCertsFlags {
  p12PassphraseStdin?: boolean;
  json?: boolean;
}

export function register(program: Command, env: CommandEnv): void {
  const sandbox = program
    .command('sandbox')
    .description("A local emulator of Citi's sandbox (real HTTP on loopback)")
    .addHelpText('after', examples('citi sandbox start --port 8080', 'eval "$(citi sandbox start --detach)" && citi sandbox stop', 'citi sandbox certs --out ./certs', 'citi sandbox start --tls --certs ./certs --client-ca ./certs/ca.pem'));
  sandbox
    .command('start')
    .description('Start the emulator and keep it running until Ctrl-C (SIGINT) or SIGTERM')
    .option('--port <n>', 'port on 127.0.0.1 (default: a free port)')
    .option('--host <addr>', 'loopback address to listen on', '127.0.0.1')
    .option('--client-id <id>', 'client ID of the seeded app (default: sandbox-client)')
    .option('--client-secret <secret>', 'client secret of the seeded app (default: sandbox-secret); a test value, not a real secret')
    .option('--access-ttl <duration>', 'access token lifetime, e.g. 30s, 2m (default 30m)')
    .option('--refresh-ttl <duration>', 'refresh token lifetime (default 30d)')
    .option('--code-ttl <duration>', 'authorization code lifetime (default 120s)')
    .option('--control-flow-ttl <duration>', 'card enrollment controlFlowId (OTP) lifetime (default 5m)')
    .option('--biz-token-ttl <duration>', "password grant: how long a bizToken from GET /security/e2eKey stays usable (default 5m)")
    .option('--redirect-uri <uri>', 'a redirect URI registered for the seeded app (repeatable; default: any loopback URI)', collect)
    .option('--auto-consent', 'three-legged sign-ins skip the pages: consent is given at once as SandboxUser1 (for runs with no browser)')
    .option('--tls', 'serve HTTPS (certificates generated into a temporary folder unless --certs)')
    .option('--certs <dir>', 'serve HTTPS with the server certificate of DIR (from `citi sandbox certs`); implies --tls')
    .option('--client-ca <file>', 'require on every call a client certificate signed by this CA (mutual TLS); implies --tls')
    .option('--json', 'print one JSON line {url, clientId, clientSecret[, caFile, certsDir]} on stdout once ready')
    .option('--quiet', 'no request log')
    .option('--detach', 'start in the background and return once it is ready, printing CITI_BASE_URL=… CITI_CLIENT_ID=… CITI_CLIENT_SECRET=… for eval (--json: one JSON line)')
    .option('--pid-file <file>', 'the pid file of the emulator (default with --detach: sandbox.pid in the config folder); removed when it stops')
    .addHelpText(
      'after',
      examples(
        'citi sandbox start --port 8080',
        'citi sandbox start --tls --certs ./certs --client-ca ./certs/ca.pem   # HTTPS, mutual TLS required',
        'citi sandbox start --auto-consent             # three-legged sign-ins with no browser pages',
        'citi sandbox start --biz-token-ttl 10s        # password grant: bizTokens expire sooner',
        'eval "$(citi sandbox start --detach)"         # in the background, CITI_* exported; then: citi sandbox stop',
        '',
        '# For scripts: start it in the background; its first stdout line is {url, clientId, clientSecret}',
        'citi sandbox start --json --access-ttl 30s > sandbox.json & SANDBOX=$!',
        'until [ -s sandbox.json ]; do sleep 0.1; done',
        'export CITI_BASE_URL=$(jq -r .url sandbox.json) CITI_CLIENT_ID=$(jq -r .clientId sandbox.json) CITI_CLIENT_SECRET=$(jq -r .clientSecret sandbox.json)',
        'citi call /v1/apac/onboarding/products --json; kill $SANDBOX',
      ),
    )
    .action(async (opts: SandboxStartOptions, cmd: Command) => {
      const { runSandboxStart, sandboxOptionsFrom } = await import('./sandbox-run.js');
      if (!opts.detach) return runSandboxStart(streamDeps(await factoryFor(cmd, env)), opts);
      sandboxOptionsFrom(opts); // bad flags are reported here, not in the background
      return (await import('./sandbox-detach.js')).runSandboxDetach(streamDeps(await factoryFor(cmd, env)), opts, cmd);
    });
  sandbox
    .command('stop')
    .description('Stop the emulator started with --detach (by its pid file; a pid that is not a citi emulator is left alone)')
    .option('--pid-file <file>', 'the pid file given to `citi sandbox start` (default: sandbox.pid in the config folder)')
    .addHelpText('after', examples('citi sandbox stop', 'citi sandbox stop --pid-file ./sandbox.pid'))
    .action(async (opts: { pidFile?: string }, cmd: Command) => (await import('./sandbox-detach.js')).runSandboxStop(streamDeps(await factoryFor(cmd, env)), opts));
  sandbox
    .command('certs')
    .description('Write test certificates for the PSD2 path: a CA, a server certificate for loopback, a QWAC-like client certificate (PEM and PKCS#12)')
    .option('--out <dir>', 'folder to write into (created 0700; private keys are written 0600)')
    .option('--org-id <id>', 'organizationIdentifier of the client certificate, ETSI form (default PSDGB-FCA-123456)')
    .option('--p12-passphrase-stdin', 'read the client.p12 passphrase from stdin (else CITI_P12_PASSPHRASE, else the test default "citi-sandbox")')
    .option('--force', 'replace a set already in the folder')
    .option('--json', 'print {dir, organizationIdentifier, files} as JSON')
    .addHelpText('after', examples('citi sandbox certs --out ./certs', 'citi sandbox certs --out ./certs --org-id PSDDE-BAFIN-987654 --json'))
    .action(async (opts: SandboxCertsOptions, cmd: Command) => (await import('./sandbox-run.js')).runSandboxCerts(streamDeps(await factoryFor(cmd, env)), opts));
}
