/**
 * Demo leg: PSD2 over mutual TLS. Generated certificates (in a temporary folder), an HTTPS emulator
 * of its own that requires client certificates, registration, a token, a call, and a refusal.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { twoLeggedToken } from '../../auth/client-credentials.js';
import { clientRegisterDeps, runClientRegister } from '../client-run.js';
import { citiErrorLine } from '../../citi/errors.js';
import { ApiError, AuthError } from '../../errors.js';
import { Factory } from '../../factory.js';
import { startSandbox } from '../../sandbox/server.js';
import { mutualTlsServerOf, writeCertSet } from '../../sandbox/certs.js';
import type { DemoLeg } from './runner.js';

export const psd2Leg: DemoLeg = {
  title: 'PSD2: eIDAS-like certificates, client registration, mutual TLS',
  async run(d) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'citi-demo-certs-'));
    let sandbox: Awaited<ReturnType<typeof startSandbox>> | undefined;
    try {
      const files = await d.step('citi sandbox certs (CA, server, QWAC-like client)', () => writeCertSet(dir), () => 'organizationIdentifier PSDGB-FCA-123456');
      const tls = await mutualTlsServerOf(files);
      sandbox = await d.step(
        'citi sandbox start --tls --client-ca ca.pem',
        () => startSandbox({ tls }),
        (s) => s.url,
      );
      // The registered client gets a profile of its own, in the demo's private config and store.
      const f = new Factory(d.f.io, { ...d.f.globals, profile: 'demo-psd2' }, d.f.overrides);
      const url = sandbox.url;
      await d.step('citi client register --cert client.pem --key client-key.pem --ca ca.pem', async () => {
        // The command's own output would interleave with the steps; --verbose keeps its trace.
        const quiet = new Factory({ ...f.io, stdout: discard(), ...(f.globals.verbose ? {} : { stderr: discard() }) }, f.globals, f.overrides);
        await runClientRegister(clientRegisterDeps(quiet), { baseUrl: url, cert: files.client, key: files.clientKey, ca: files.ca, name: 'citi demo TPP' });
        return (await f.profile()).clientId;
      }, (id) => `client ${id}, bound to the certificate`);
      const ctx = await f.authContext();
      await d.step('citi token (two-legged, over mutual TLS)', () => twoLeggedToken(ctx), () => 'Bearer token issued');
      await d.step(
        'GET /v1/apac/onboarding/products (over mutual TLS)',
        async () => {
          const token = await twoLeggedToken(ctx);
          const res = await ctx.http.request({ method: 'GET', path: '/v1/apac/onboarding/products', bearer: token.record.accessToken });
          if (res.status !== 200) throw new ApiError(`GET /v1/apac/onboarding/products: ${citiErrorLine(res.status, res.body)}`);
          return res.body as { products: unknown[] };
        },
        (b) => `${b.products.length} products`,
      );
      await d.step(
        'the same token request without the certificate is refused',
        async () => {
          const bare = f.http({ ...ctx.profile, tls: { ca: files.ca } });
          try {
            await twoLeggedToken({ ...ctx, http: bare }, { force: true });
          } catch (err) {
            if (err instanceof AuthError) return err.message;
            throw err;
          }
          throw new Error('The emulator accepted a call without a client certificate');
        },
        (message) => message,
      );
    } finally {
      await sandbox?.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
};

function discard(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}
