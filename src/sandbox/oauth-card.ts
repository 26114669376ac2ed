/**
 * Card authorization: enroll (403 + controlFlowId, an OTP "sent" to the card holder's phone, i.e.
 * written to the emulator's log), OTP validation for a card token, activation per card, refresh
 * with rotation, revoke.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { maskPhone, OTP_ATTEMPTS } from '../citi/card.js';
import { SCOPES, normaliseScopes } from '../citi/catalogue.js';
import { DEFAULT_PATHS } from '../citi/endpoints.js';
import { CITI_ERRORS } from '../citi/errors.js';
import { GRANT_TYPES, type CardActivateRequest, type CardActivateResponse, type CardEnrollRequest, type CardTokenForm, type OtpRequiredInfo, type Unchecked } from '../citi/wire.js';
import { authenticateClient, requireBearer, requireCardHolder, requireGrant, tokenEndpoint } from './guard.js';
import { citiError, json, jsonObject, oauthError, type Route } from './http.js';
import { pairTokenBody, refreshRoute, revokeRoute } from './oauth-token-pairs.js';
import { FIXED_OTPS } from './seed.js';
import type { ExpiringMap, IssuedToken, SandboxState } from './state.js';

export interface ControlFlow {
  controlFlowId: string;
  clientId: string;
  cardId: string;
  otp: string;
  expiresAt: number;
  attempts: number;
}

interface CardAuthState {
  flows: ExpiringMap<string, ControlFlow>;
  /** Token families activated for their card (forgotten with the family's last token). */
  activated: Set<number>;
}

const perSandbox = new WeakMap<SandboxState, CardAuthState>();

/** This emulator's card-authorization state (kept beside SandboxState, created on first use). */
export function cardAuthState(state: SandboxState): CardAuthState {
  let s = perSandbox.get(state);
  if (!s) {
    const activated = new Set<number>();
    state.tokens.onFamilyGone((family) => activated.delete(family));
    perSandbox.set(state, (s = { flows: state.expiringMap(), activated }));
  }
  return s;
}

/** The OTP "sent" for a control flow, for the demo, which plays the card holder reading their phone. */
export function sentOtp(state: SandboxState, controlFlowId: string): string | undefined {
  return cardAuthState(state).flows.get(controlFlowId)?.otp;
}

/** True when the token's family has been activated for the token's card. */
export function isActivated(state: SandboxState, token: IssuedToken): boolean {
  return cardAuthState(state).activated.has(token.family);
}

export function cardAuthRoutes(state: SandboxState): Route[] {
  const cards = cardAuthState(state);

  return [
    {
      method: 'POST',
      path: DEFAULT_PATHS.cardAuthorize,
      handler: (req) => {
        const client = authenticateClient(req, state);
        const body: Unchecked<CardEnrollRequest> = jsonObject(req);
        if (body.grant_type !== GRANT_TYPES.card) throw citiError('invalidRequest', `grant_type must be ${GRANT_TYPES.card}`);
        const { holder, lastFour, phone } = requireCardHolder(state, body);
        const flow: ControlFlow = {
          controlFlowId: randomBytes(16).toString('hex'),
          clientId: client.clientId,
          cardId: holder.cardId,
          otp: String(randomInt(0, 1_000_000)).padStart(6, '0'),
          expiresAt: state.now() + state.ttls.controlFlowMs,
          attempts: 0,
        };
        cards.flows.set(flow.controlFlowId, flow);
        // The log stands in for the card holder's phone.
        state.log(`OTP ${flow.otp} sent to ${maskPhone(phone)} (card ${lastFour}, controlFlowId ${flow.controlFlowId})`);
        const { status, body: answer } = CITI_ERRORS.otpRequired;
        const moreInfo: OtpRequiredInfo = { controlFlowId: flow.controlFlowId };
        return json({ ...answer, moreInfo }, status);
      },
    },
    tokenEndpoint<CardTokenForm>(state, DEFAULT_PATHS.cardToken, (f, client) => {
      requireGrant(f, GRANT_TYPES.card);
      const flow = cards.flows.get(f.controlFlowId ?? '');
      if (!flow || flow.clientId !== client.clientId) throw citiError('invalidControlFlowId');
      if (flow.expiresAt <= state.now()) {
        cards.flows.delete(flow.controlFlowId);
        throw citiError('invalidControlFlowId', 'Control flow ID is invalid: it has expired');
      }
      const scopes = normaliseScopes(f.scope ?? '').split(' ').filter(Boolean);
      if (!scopes.length) throw oauthError(400, 'invalid_request', `scope is required (${SCOPES.card.join(', ')})`);
      const unknown = scopes.find((s) => !(SCOPES.card as readonly string[]).includes(s));
      if (unknown) throw oauthError(400, 'invalid_scope', `Unknown card scope "${unknown}": use ${SCOPES.card.join(', ')}`);
      const otp = f.linkageConfirmationCode ?? '';
      if (otp !== flow.otp && !(FIXED_OTPS as readonly string[]).includes(otp)) {
        flow.attempts++;
        const left = OTP_ATTEMPTS - flow.attempts;
        if (left <= 0) cards.flows.delete(flow.controlFlowId);
        throw citiError('invalidOtp', left > 0 ? `The OTP is not valid; ${left} attempt${left === 1 ? '' : 's'} left` : 'The OTP is not valid; no attempts left, start again', {
          moreInfo: { remainingAttempts: Math.max(0, left) },
        });
      }
      cards.flows.delete(flow.controlFlowId);
      const { access, refresh } = state.issue({ kind: 'card', clientId: client.clientId, scopes, withRefresh: true, cardId: flow.cardId });
      return json(pairTokenBody(access, refresh!), 200, { 'cache-control': 'no-store' });
    }),
    {
      method: 'POST',
      path: DEFAULT_PATHS.cardActivate,
      handler: (req) => {
        const token = requireBearer(req, state, { kind: 'card' });
        const body: Unchecked<CardActivateRequest> = jsonObject(req);
        const cardId = body.cardId;
        if (typeof cardId !== 'string' || !cardId) throw citiError('invalidRequest', 'cardId is required');
        if (cardId !== token.cardId) throw citiError('accessNotConfigured', `This card token was not issued for card ${cardId}`);
        cards.activated.add(token.family);
        return json({ cardId, status: 'ACTIVE' } satisfies CardActivateResponse);
      },
    },
    refreshRoute(state, DEFAULT_PATHS.cardRefresh, 'card'),
    revokeRoute(state, DEFAULT_PATHS.cardRevoke, (token) => token.kind === 'card'),
  ];
}
