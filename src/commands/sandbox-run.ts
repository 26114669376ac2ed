/** The implementation of `citi sandbox`, loaded when the command runs. */
import path from 'node:path';
import { PASSPHRASE_ENV } from '../config/options.js';
import { isLoopbackHost } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import { stdinPassphrase } from '../http/tls-material.js';
import type { SandboxOptions } from '../sandbox/server.js';
import { colorOn } from '../ui/io.js';
import { printJson } from '../ui/output.js';
import { style } from '../ui/style.js';
import { durationFlag, type StreamDeps } from './shared.js';
import type { SandboxCertsOptions, SandboxStartOptions } from './sandbox.js';

export function sandboxOptionsFrom(opts: SandboxStartOptions): SandboxOptions {
  // Lifetimes, compared with the clock; no timer waits for them.
  const ms = (v: string | undefined, flag: string) => (v === undefined ? undefined : durationFlag(v, flag));
  let port: number | undefined;
  if (opts.port !== undefined) {
    port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number (got "${opts.port}")`);
  }
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) throw new UsageError(`--host must be a loopback address (got "${host}")`, 'The emulator only listens on this machine.');
  const ttls = {
    ...(ms(opts.accessTtl, '--access-ttl') !== undefined ? { accessMs: ms(opts.accessTtl, '--access-ttl')! } : {}),
    ...(ms(opts.refreshTtl, '--refresh-ttl') !== undefined ? { refreshMs: ms(opts.refreshTtl, '--refresh-ttl')! } : {}),
    ...(ms(opts.codeTtl, '--code-ttl') !== undefined ? { codeMs: ms(opts.codeTtl, '--code-ttl')! } : {}),
    ...(ms(opts.controlFlowTtl, '--control-flow-ttl') !== undefined ? { controlFlowMs: ms(opts.controlFlowTtl, '--control-flow-ttl')! } : {}),
    ...(ms(opts.bizTokenTtl, '--biz-token-ttl') !== undefined ? { bizTokenMs: ms(opts.bizTokenTtl, '--biz-token-ttl')! } : {}),
  };
  return {
    host: host === '::1' ? '::1' : host === 'localhost' ? '127.0.0.1' : host,
    ...(port !== undefined ? { port } : {}),
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(opts.clientSecret ? { clientSecret: opts.clientSecret } : {}),
    ...(opts.redirectUri?.length ? { redirectUris: opts.redirectUri } : {}),
    ...(opts.autoConsent ? { autoConsent: true } : {}),
    ttls,
  };
}

export async function runSandboxStart(f: StreamDeps, opts: SandboxStartOptions): Promise<void> {
  const options = sandboxOptionsFrom(opts);
  const { startSandbox } = await import('../sandbox/server.js');
  const log = opts.quiet ? undefined : (line: string) => f.io.stderr.write(`[sandbox] ${line}\n`);
  const tls = await withCerts((certs) => certs.prepareSandboxTls(opts));
  let sandbox;
  try {
    sandbox = await startSandbox({ ...options, ...(log ? { log } : {}), ...(tls ? { tls: tls.options } : {}) });
  } catch (err) {
    await tls?.cleanup();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`Port ${options.port} is already in use`, 'Choose another with --port, or leave it out for a free one.');
    }
    throw err;
  }
  if (opts.pidFile) {
    const { writePidFile } = await import('./sandbox-detach.js');
    await writePidFile(path.resolve(opts.pidFile), sandbox.url);
  }
  if (opts.json) {
    const files = tls ? { caFile: tls.caFile, certsDir: tls.certsDir } : {};
    f.io.stdout.write(JSON.stringify({ url: sandbox.url, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, ...files }) + '\n');
  }
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('●')} Citi sandbox emulator listening on ${s.bold(sandbox.url)}`);
  f.info(`  client ID ${sandbox.clientId}, client secret ${sandbox.clientSecret} (emulator test credentials)`);
  if (tls) {
    f.info(`  HTTPS: trust ${tls.caFile} (--ca); client certificates ${tls.options.requireClientCert ? 'required on every call' : 'checked when presented'}`);
    f.info(`  register a PSD2 client: citi client register --profile psd2 --base-url ${sandbox.url} --cert ${path.join(tls.certsDir, 'client.pem')} --key ${path.join(tls.certsDir, 'client-key.pem')} --ca ${tls.caFile}`);
  }
  f.info(`  try: CITI_CLIENT_SECRET=${sandbox.clientSecret} citi login --profile local --base-url ${sandbox.url} --client-id ${sandbox.clientId}`);
  f.info(opts.pidFile ? `  stop with: citi sandbox stop --pid-file ${opts.pidFile}` : `  stop with Ctrl-C`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      f.info(`${signal}: stopping the emulator`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      const pidFile = opts.pidFile && path.resolve(opts.pidFile);
      void sandbox
        .close()
        .then(() => tls?.cleanup())
        .then(async () => pidFile && (await import('./sandbox-detach.js')).removePidFile(pidFile))
        .then(() => resolve());
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
}

/** The emulator's certificate sets (loaded when used); a problem with one is the user's to fix: exit 2, with its hint. */
async function withCerts<T>(use: (certs: typeof import('../sandbox/certs-run.js')) => Promise<T>): Promise<T> {
  const certs = await import('../sandbox/certs-run.js');
  try {
    return await use(certs);
  } catch (err) {
    if (err instanceof certs.CertsError) throw new UsageError(err.message, err.hint);
    throw err;
  }
}

export async function runSandboxCerts(f: StreamDeps, opts: SandboxCertsOptions): Promise<void> {
  const set = await withCerts((certs) =>
    certs.writeSandboxCerts(opts, async () => (await stdinPassphrase(f.io, opts.p12PassphraseStdin)).given ?? (f.io.env[PASSPHRASE_ENV] || undefined)),
  );
  if (opts.json) {
    await printJson(f.io, { dir: set.dir, organizationIdentifier: set.organizationIdentifier, files: set.files });
    return;
  }
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('✓')} Test certificates for the PSD2 path written to ${s.bold(set.dir)} (organizationIdentifier ${set.organizationIdentifier})`);
  for (const file of Object.values(set.files)) f.info(`  ${file}`);
  if (set.defaultPassphrase) f.info(`  client.p12 passphrase: "${set.defaultPassphrase}" (the default for test files; set ${PASSPHRASE_ENV} to choose one)`);
  f.info(`  next: citi sandbox start --tls --certs ${opts.out} --client-ca ${path.join(opts.out!, path.basename(set.files.ca))}`);
}
