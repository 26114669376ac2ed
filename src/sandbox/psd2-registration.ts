/** PSD2 "Create a New Client": credentials issued from the caller's eIDAS (QWAC-like) certificate and bound to it. */
import { randomBytes, randomUUID } from 'node:crypto';
import { DEFAULT_PATHS } from '../citi/endpoints.js';
import { parseOrganizationIdentifier, PSD2_ROLES, type RegistrationResponse } from '../citi/psd2.js';
import { citiError, json, jsonObject, type Route } from './http.js';
import { organizationIdentifierOf, requirePeer } from './mtls.js';
import type { SandboxState } from './state.js';

export function psd2RegistrationRoutes(state: SandboxState): Route[] {
  return [
    {
      method: 'POST',
      path: DEFAULT_PATHS.registerClient,
      handler: (req) => {
        const peer = requirePeer(req, 'Registering a PSD2 client needs your eIDAS certificate');
        const orgId = organizationIdentifierOf(peer.raw);
        if (!orgId) throw citiError('invalidRequest', 'The client certificate has no organizationIdentifier (2.5.4.97) in its subject');
        const org = parseOrganizationIdentifier(orgId);
        if (!org) throw citiError('invalidRequest', `The certificate's organizationIdentifier "${orgId}" is not in the ETSI form PSDGB-FCA-123456`);

        const body = jsonObject(req);
        const { clientName, redirectUris = [], countryCode } = body;
        if (typeof clientName !== 'string' || !clientName.trim() || clientName.length > 200) {
          throw citiError('invalidRequest', 'clientName is required (a short text)');
        }
        if (typeof countryCode !== 'string' || !/^[A-Za-z]{2}$/.test(countryCode)) {
          throw citiError('invalidRequest', 'countryCode is required (two letters, e.g. GB)');
        }
        if (!Array.isArray(redirectUris) || !redirectUris.every(isHttpUrl)) {
          throw citiError('invalidRequest', 'redirectUris must be a list of http(s) URLs');
        }

        const answer: RegistrationResponse = {
          clientId: randomUUID(),
          clientSecret: randomBytes(24).toString('base64url'),
          organizationId: org.value,
          roles: [...PSD2_ROLES],
        };
        state.addClient({
          clientId: answer.clientId,
          clientSecret: answer.clientSecret,
          redirectUris: redirectUris as string[],
          certFingerprint: peer.fingerprint256,
          name: clientName.trim(),
        });
        return json(answer, 201, { 'cache-control': 'no-store' });
      },
    },
  ];
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
