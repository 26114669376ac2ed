/** Checks every resource call makes: bearer token, uuid and client_id headers, kind of token, scope. */
import type { TokenKind } from '../citi/catalogue.js';
import { parseBasicAuthorization, TWO_LEGGED_SCOPE } from '../citi/oauth.js';
import { HEADERS, type CardHolderFields, type GrantType, type Unchecked } from '../citi/wire.js';
import type { TLSSocket } from 'node:tls';
import { citiError, form, header, oauthError, type ProtocolRoute, type Received, type SandboxReply, type SandboxRequest } from './http.js';
import { findCardHolder, type CardHolder } from './seed.js';
import type { IssuedToken, SandboxClient, SandboxState } from './state.js';

export function requireBearer(
  req: SandboxRequest,
  state: SandboxState,
  need: { kind: TokenKind; scope?: string },
): IssuedToken {
  const auth = header(req, HEADERS.authorization) ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
  if (!match?.[1]) throw citiError('unAuthorized');
  const { token, reason } = state.liveToken(match[1], 'access');
  if (!token || reason) {
    const why = reason === 'expired' ? 'The access token has expired' : reason === 'revoked' ? 'The access token has been revoked' : undefined;
    throw citiError('unAuthorized', why);
  }
  const clientId = header(req, HEADERS.clientId);
  if (!clientId || clientId !== token.clientId) throw citiError('clientMismatch');
  if (!header(req, HEADERS.uuid)) throw citiError('invalidRequest', `The ${HEADERS.uuid} header is required`);
  if (token.kind !== need.kind) {
    throw citiError('accessNotConfigured', `This API takes a ${need.kind} token; a ${token.kind} token was sent`);
  }
  // A password-grant token carries /api, which Citi accepts for every customer API.
  const everyCustomerApi = token.kind === 'three-legged' && token.scopes.includes(TWO_LEGGED_SCOPE);
  if (need.scope && need.kind !== 'two-legged' && !everyCustomerApi && !token.scopes.includes(need.scope)) {
    throw citiError('accessNotConfigured', `The token lacks the scope "${need.scope}"`);
  }
  return token;
}

/**
 * The token of a call to a catalogued endpoint, as the catalogue's check accepted it (server.ts
 * runs that check before any route): hand-written routes check no token of their own.
 */
export function callerToken(req: SandboxRequest): IssuedToken {
  if (!req.token) throw new Error(`${req.method} ${req.path}: no checked token (the route is not a catalogued endpoint)`);
  return req.token;
}

/**
 * Client authentication on OAuth endpoints: HTTP Basic with the client's id and secret, and for a
 * client bound to a certificate (PSD2), the same certificate presented over mutual TLS.
 */
export function authenticateClient(req: SandboxRequest, state: SandboxState): SandboxClient {
  const basic = parseBasicAuthorization(header(req, HEADERS.authorization));
  if (!basic) throw oauthError(401, 'invalid_client', 'Client authentication (HTTP Basic) is required');
  const client = state.authenticate(basic.clientId, basic.clientSecret);
  if (!client) throw oauthError(401, 'invalid_client', 'Client authentication failed');
  if (client.certFingerprint) {
    const presented = peerFingerprint(req);
    if (presented !== client.certFingerprint) {
      throw oauthError(401, 'invalid_client', 'This client must present the certificate it was registered with (mutual TLS)');
    }
  }
  return client;
}

/**
 * A token endpoint at `path`: a form body from an authenticated client, handed to `answer` with
 * the client. Every grant, refresh and revocation starts so.
 */
export function tokenEndpoint<F>(
  state: SandboxState,
  path: string,
  answer: (f: Received<F>, client: SandboxClient, req: SandboxRequest) => SandboxReply | Promise<SandboxReply>,
): ProtocolRoute {
  return {
    method: 'POST',
    path,
    handler: (req) => {
      requireForm(req);
      const client = authenticateClient(req, state);
      return answer(form(req) as Received<F>, client, req);
    },
  };
}

/** A token endpoint's grant type: Citi answers one it does not serve with a bare 400 invalid_grant (not unsupported_grant_type). */
export function requireGrant(f: { grant_type?: string }, grantType: GrantType): void {
  if (f.grant_type !== grantType) throw oauthError(400, 'invalid_grant');
}

/** The seeded card holder a body names by card and phone (card enrollment, reward linkage): 400 when malformed or unknown. */
export function requireCardHolder(state: SandboxState, body: Unchecked<CardHolderFields>): { holder: CardHolder; lastFour: string; phone: string } {
  const lastFour = body.lastFourDigitsCardNumber;
  const phone = body.citiCardHolderPhoneNumber;
  if (typeof lastFour !== 'string' || !/^\d{4}$/.test(lastFour) || typeof phone !== 'string' || !phone) {
    throw citiError('invalidRequest', 'lastFourDigitsCardNumber (4 digits) and citiCardHolderPhoneNumber are required');
  }
  const holder = findCardHolder(state.seed, lastFour, phone);
  if (!holder) throw citiError('cardHolderNotFound');
  return { holder, lastFour, phone };
}

/** SHA-256 fingerprint of the client certificate presented on this connection, if any. */
export function peerFingerprint(req: SandboxRequest): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  return cert && 'fingerprint256' in cert && cert.fingerprint256 ? cert.fingerprint256 : undefined;
}

/** OAuth endpoints take form bodies. */
export function requireForm(req: SandboxRequest): void {
  if (!/application\/x-www-form-urlencoded/i.test(header(req, 'content-type') ?? '')) {
    throw oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
}
