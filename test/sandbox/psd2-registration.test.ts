/** The emulator's PSD2 registration endpoint over real TLS: what it takes from the certificate and the body, and what it refuses. */
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/http/client.js';
import { AuthError } from '../../src/errors.js';
import { testPki, tlsSandbox } from '../helpers/psd2.js';

const PATH = '/psd2/v1/onboarding/clients';
const BODY = { clientName: 'TPP', redirectUris: ['http://127.0.0.1:8765/callback'], countryCode: 'GB' };

describe('emulator: POST /psd2/v1/onboarding/clients', () => {
  it('issues credentials for the organizationIdentifier of the certificate, and answers 201', async () => {
    const pki = await testPki();
    const sandbox = await tlsSandbox(pki);
    const other = await pki.issueClient('de', { organizationIdentifier: 'PSDDE-BAFIN-987654' });
    const http = new HttpClient({ baseUrl: sandbox.url, clientId: '', tls: { cert: other.pem.certPem, key: other.pem.keyPem, ca: pki.ca.certPem } });
    const res = await http.request({ method: 'POST', path: PATH, json: BODY });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ organizationId: 'PSDDE-BAFIN-987654', roles: ['PSP_AI', 'PSP_PI'] });
  });

  it('refuses a certificate without an ETSI organizationIdentifier, and a bad body (400)', async () => {
    const pki = await testPki();
    const sandbox = await tlsSandbox(pki);
    const plain = await pki.issueClient('plain', { organizationIdentifier: '' });
    const odd = await pki.issueClient('odd', { organizationIdentifier: 'FCA-123456' });
    const client = (c: { pem: { certPem: string; keyPem: string } }) =>
      new HttpClient({ baseUrl: sandbox.url, clientId: '', tls: { cert: c.pem.certPem, key: c.pem.keyPem, ca: pki.ca.certPem } });

    const none = await client(plain).request({ method: 'POST', path: PATH, json: BODY });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 'invalidRequest', details: 'The client certificate has no organizationIdentifier (2.5.4.97) in its subject' });
    const malformed = await client(odd).request({ method: 'POST', path: PATH, json: BODY });
    expect(malformed.body).toMatchObject({ details: 'The certificate\'s organizationIdentifier "FCA-123456" is not in the ETSI form PSDGB-FCA-123456' });

    const good = client(pki.client);
    const badCountry = await good.request({ method: 'POST', path: PATH, json: { ...BODY, countryCode: 'GBR' } });
    expect(badCountry.body).toMatchObject({ details: 'countryCode is required (two letters, e.g. GB)' });
    const badUris = await good.request({ method: 'POST', path: PATH, json: { ...BODY, redirectUris: ['javascript:alert(1)'] } });
    expect(badUris.body).toMatchObject({ details: 'redirectUris must be a list of http(s) URLs' });
    const noName = await good.request({ method: 'POST', path: PATH, json: { ...BODY, clientName: ' ' } });
    expect(noName.status).toBe(400);
    expect(sandbox.state.clients.size).toBe(1); // only the seeded client
  });

  it('refuses a registration without a client certificate (401 invalidClientCertificate, reason missing)', async () => {
    const pki = await testPki();
    const sandbox = await tlsSandbox(pki);
    const http = new HttpClient({ baseUrl: sandbox.url, clientId: '', tls: { ca: pki.ca.certPem } });
    const err = await http.request({ method: 'POST', path: PATH, json: BODY }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toBe(`${new URL(sandbox.url).origin} requires a client certificate (mutual TLS), and none was sent`);
  });
});
