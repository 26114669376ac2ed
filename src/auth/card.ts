/**
 * Card authorization: enroll a card (Citi answers 403 with a controlFlowId and texts an OTP to the
 * card holder), trade the OTP for a card token, activate it for the card, refresh it (revoke.ts
 * revokes it).
 * Each step is a request builder and a response check; the store keeps one record per card.
 */
import { CONTROL_FLOW_TTL_MS, isOtp, maskCardNumber, maskPhone, OTP_ATTEMPTS } from '../citi/card.js';
import { isCitiError, isCitiErrorBody } from '../citi/errors.js';
import { basicAuthorization } from '../citi/oauth.js';
import { GRANT_TYPES, HEADERS, type CardActivateRequest, type CardActivateResponse, type CardEnrollRequest, type CardTokenForm, type OtpRequiredInfo, type Unchecked } from '../citi/wire.js';
import { AuthError, UsageError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';
import { tokenKey, type TokenRecord } from '../store/tokens.js';
import type { AuthContext } from './context.js';
import { refreshStoredPair, reuseOrRefresh, type RefreshOutcome } from './token-cache.js';
import { buildTokenRequest, endpointPath, oauthFailure, toRecord, validateTokenResponse, type ValidTokenResponse } from './token-endpoint.js';

export { DEFAULT_CARD_SCOPE } from '../citi/card.js';

export interface CardHolderInput {
  country: string;
  business: string;
  lastFour: string;
  phone: string;
  merchantRef?: string;
  scope: string;
}

/** What the OTP source is told; it answers with six digits. */
export interface OtpRequest {
  controlFlowId: string;
  maskedPhone: string;
  /** 1 for the first try. */
  attempt: number;
  /** When the controlFlowId, and with it the OTP, expires (this machine's clock). */
  expiresAt: number;
}

export type OtpSource = (req: OtpRequest) => Promise<string>;

/** The profile with the enrollment's country and business, so every card endpoint gets the same {CC}/{bc}. */
function at(ctx: AuthContext, where: { country: string; business: string }): AuthContext {
  return { ...ctx, profile: { ...ctx.profile, country: where.country, business: where.business } };
}

/** The context of a stored card token: the country and business it was enrolled in. */
export function whereOf(ctx: AuthContext, record: TokenRecord): AuthContext {
  return at(ctx, { country: record.meta?.country ?? ctx.profile.country, business: record.meta?.business ?? ctx.profile.business });
}

export function buildEnrollRequest(ctx: Pick<AuthContext, 'profile'>, clientSecret: string, input: CardHolderInput): HttpRequest {
  return {
    method: 'POST',
    path: endpointPath(ctx, 'cardAuthorize'),
    headers: { [HEADERS.authorization]: basicAuthorization(ctx.profile.clientId, clientSecret) },
    json: {
      grant_type: GRANT_TYPES.card,
      lastFourDigitsCardNumber: input.lastFour,
      citiCardHolderPhoneNumber: input.phone,
      ...(input.merchantRef ? { merchantCustomerReferenceId: input.merchantRef } : {}),
    } satisfies CardEnrollRequest,
  };
}

/** Citi answers an enrollment with 403 and `moreInfo.controlFlowId`; anything else is a failure. */
export function validateEnrollResponse(res: HttpResponse): string {
  const body = res.body;
  const info = isCitiErrorBody(body) && typeof body.moreInfo === 'object' ? (body.moreInfo as Unchecked<OtpRequiredInfo>) : undefined;
  const controlFlowId = info?.controlFlowId;
  if (res.status === 403 && typeof controlFlowId === 'string' && controlFlowId) return controlFlowId;
  if (isCitiErrorBody(body) && isCitiError(body, 'cardHolderNotFound')) {
    throw new AuthError(
      `Card enrollment failed: ${body.details} (HTTP ${res.status})`,
      'Check --last4 and --phone: they must be the card holder\'s as Citi has them (the emulator knows 8653 with 6590020056).',
    );
  }
  if (res.status === 200) throw new AuthError('Card enrollment: the server answered 200 without asking for an OTP; expected 403 with a controlFlowId');
  throw oauthFailure(res, 'Card enrollment');
}

export function cardTokenForm(controlFlowId: string, otp: string, scope: string): CardTokenForm {
  return { grant_type: GRANT_TYPES.card, controlFlowId, linkageConfirmationCode: otp, scope };
}

export function buildCardTokenRequest(ctx: Pick<AuthContext, 'profile'>, clientSecret: string, p: { controlFlowId: string; otp: string; scope: string }): HttpRequest {
  return buildTokenRequest(ctx, 'cardToken', clientSecret, cardTokenForm(p.controlFlowId, p.otp, p.scope));
}

/** The token answer (with its cardId), or the news that the OTP was wrong. */
export function validateCardTokenResponse(res: HttpResponse): { token: ValidTokenResponse } | { wrongOtp: string } {
  const body = res.body;
  if (res.status === 400 && isCitiErrorBody(body)) {
    if (isCitiError(body, 'invalidOtp')) return { wrongOtp: body.details };
    if (isCitiError(body, 'invalidControlFlowId')) {
      throw new AuthError(`The enrollment is no longer valid: ${body.details}`, 'An OTP lives a few minutes; run `citi card enroll` again for a new one.');
    }
  }
  const token = validateTokenResponse(res, 'Card token request');
  if (!token.cardId) throw new AuthError('Card token request: the answer has no cardId');
  return { token };
}

/**
 * The whole enrollment: authorize, ask `otp` for the code (again after a wrong one, up to the
 * server's limit or `maxTries`), and store the card token under the card's id.
 */
export async function enrollCard(
  ctx: AuthContext,
  input: CardHolderInput,
  otp: OtpSource,
  opts: { maxTries?: number } = {},
): Promise<TokenRecord> {
  const c = at(ctx, input);
  const secret = await ctx.clientSecret();
  // Counted from before the request, so the time shown is never more than the server allows.
  const expiresAt = Date.now() + CONTROL_FLOW_TTL_MS;
  const controlFlowId = validateEnrollResponse(await ctx.http.request(buildEnrollRequest(c, secret, input)));
  const maskedPhone = maskPhone(input.phone);
  ctx.info(`An OTP was sent to the card holder's phone ${maskedPhone}.`);
  const maxTries = Math.min(opts.maxTries ?? OTP_ATTEMPTS, OTP_ATTEMPTS);
  for (let attempt = 1; ; attempt++) {
    const code = (await otp({ controlFlowId, maskedPhone, attempt, expiresAt })).trim();
    if (!isOtp(code)) throw new UsageError('The OTP must be six digits');
    const res = await ctx.http.request(buildCardTokenRequest(c, secret, { controlFlowId, otp: code, scope: input.scope }));
    const answer = validateCardTokenResponse(res);
    if ('token' in answer) {
      const record: TokenRecord = {
        ...toRecord('card', answer.token, ctx.now(), input.scope),
        meta: {
          lastFour: input.lastFour,
          maskedNumber: maskCardNumber(input.lastFour),
          maskedPhone,
          country: input.country,
          business: input.business,
          status: 'ENROLLED',
        },
      };
      await ctx.tokens.put(tokenKey('card', record.cardId!), record);
      return record;
    }
    const left = maxTries - attempt;
    if (left <= 0) {
      throw new AuthError(
        maxTries === 1 ? 'The OTP was not accepted (invalidOtp)' : `Wrong OTP ${attempt} times; the enrollment is cancelled`,
        'Run `citi card enroll` again to get a new OTP.',
      );
    }
    ctx.info(`Wrong OTP: ${left} ${left === 1 ? 'try' : 'tries'} left.`);
  }
}

/** Every enrolled card, the one whose token was obtained longest ago first. */
export async function enrolledCards(ctx: Pick<AuthContext, 'tokens'>): Promise<TokenRecord[]> {
  const all = await ctx.tokens.all();
  return Object.values(all)
    .filter((r) => r.kind === 'card' && r.cardId)
    .sort((a, b) => a.obtainedAt - b.obtainedAt);
}

/** The card to act on: the one named, else the only one enrolled; a clear error otherwise. */
export async function cardRecord(ctx: Pick<AuthContext, 'tokens'>, cardId?: string): Promise<TokenRecord> {
  const cards = await enrolledCards(ctx);
  if (cardId) {
    const found = cards.find((r) => r.cardId === cardId);
    if (found) return found;
    throw new UsageError(
      `No card token for card ${cardId}`,
      cards.length ? `Enrolled: ${cards.map((r) => r.cardId).join(', ')}. Or enroll it: citi card enroll --last4 ... --phone ...` : 'Enroll it first: citi card enroll --last4 ... --phone ...',
    );
  }
  if (cards.length === 1) return cards[0]!;
  if (!cards.length) throw new UsageError('No card is enrolled', 'Enroll one first: citi card enroll --last4 ... --phone ...');
  throw new UsageError(
    `Several cards are enrolled: ${cards.map((r) => `${r.cardId} (${r.meta?.maskedNumber ?? 'card'})`).join(', ')}`,
    'Choose one with --card CARD_ID.',
  );
}

/**
 * The card's access token: the stored one while fresh, else a refreshed pair (under the store's
 * lock, so that concurrent processes rotate the refresh token once), else a clear error.
 */
export async function cardToken(ctx: AuthContext, cardId?: string, opts: { refused?: boolean } = {}): Promise<TokenRecord> {
  const record = await cardRecord(ctx, cardId);
  const id = record.cardId!;
  const outcome = await reuseOrRefresh(ctx, { key: tokenKey('card', id), record }, { refused: opts.refused, refresh: (_key, refused) => refreshCardPair(ctx, id, refused) });
  return cardOrEnrollAgain(ctx, id, outcome);
}

/**
 * Refreshes a card token (rotation: the old refresh token stops working), at the country the card
 * was enrolled in. `refused`: the access token the server turned down; a stored token other than it is
 * taken as is while fresh (another process refreshed it meanwhile).
 */
export async function refreshCardToken(ctx: AuthContext, cardId: string, opts: { refused?: string } = {}): Promise<TokenRecord> {
  return cardOrEnrollAgain(ctx, cardId, await refreshCardPair(ctx, cardId, opts.refused));
}

/** What to do when a card token cannot be refreshed. Only on failure: the pair is kept (forgetDead: false), so its last four digits are still there. */
async function enrollAgain(ctx: AuthContext, cardId: string): Promise<string> {
  return `Enroll the card again: citi card enroll --last4 ${(await ctx.tokens.get(tokenKey('card', cardId)))?.meta?.lastFour ?? '....'} --phone ...`;
}

async function refreshCardPair(ctx: AuthContext, cardId: string, refused: string | undefined): Promise<RefreshOutcome> {
  try {
    return await refreshStoredPair(ctx, tokenKey('card', cardId), {
      endpoint: 'cardRefresh',
      what: 'Card token refresh',
      forgetDead: false,
      at: (record) => whereOf(ctx, record),
      ...(refused !== undefined ? { refused } : {}),
    });
  } catch (err) {
    if (err instanceof AuthError) throw new AuthError(err.message, await enrollAgain(ctx, cardId));
    throw err;
  }
}

/** The card's token, or the error that says why it cannot be refreshed and how to enroll again. */
async function cardOrEnrollAgain(ctx: AuthContext, cardId: string, outcome: RefreshOutcome): Promise<TokenRecord> {
  if (outcome.record) return outcome.record;
  if (outcome.why === 'gone') throw new AuthError(`No card token for card ${cardId}`, 'Enroll it first: citi card enroll --last4 ... --phone ...');
  if (outcome.why === 'refused') throw new AuthError(oauthFailure(outcome.res!, 'Card token refresh').message, await enrollAgain(ctx, cardId));
  throw new AuthError(`The card token of ${cardId} has expired and cannot be refreshed`, await enrollAgain(ctx, cardId));
}

/** Activates the card token for its card (once per card); records the status. */
export async function activateCard(ctx: AuthContext, cardId?: string): Promise<TokenRecord> {
  const token = await cardToken(ctx, cardId);
  const id = token.cardId!;
  const c = whereOf(ctx, token);
  const send = (t: TokenRecord) =>
    ctx.http.request({
      method: 'POST',
      path: endpointPath(c, 'cardActivate'),
      json: { cardId: id } satisfies CardActivateRequest,
      bearer: t.accessToken,
    });
  let res = await send(token);
  if (res.status === 401) res = await send(await cardToken(ctx, id, { refused: true }));
  if (res.status !== 200) throw oauthFailure(res, 'Card activation');
  const status = (res.body as Unchecked<CardActivateResponse> | undefined)?.status;
  const key = tokenKey('card', id);
  let saved: TokenRecord | undefined;
  await ctx.tokens.locked(() =>
    ctx.tokens.update((t) => {
      const r = t[key];
      if (r) saved = t[key] = { ...r, meta: { ...r.meta, status: typeof status === 'string' ? status : 'ACTIVE' } };
    }),
  );
  return saved ?? token;
}
