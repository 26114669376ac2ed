/**
 * Names on the wire that the client writes and the emulator reads: header names, grant types, the
 * authorize request and its redirect, the token endpoints' forms and the card requests. The forms
 * and bodies are types: the client's builders return them, the emulator reads through them, so a
 * field named differently on one side does not compile. Header names are spelled as Citi writes
 * them; HTTP reads them in any case (got and Node lower-case them).
 */
import type { TokenTypeHint } from './oauth.js';
import type { PKCE_METHOD } from './pkce.js';

/** A JSON body as it arrives: the fields of T by name, their values not yet checked. */
export type Unchecked<T> = { [K in keyof T]?: unknown };

export const HEADERS = {
  authorization: 'Authorization',
  /** A new UUID on every resource call. */
  uuid: 'uuid',
  clientId: 'client_id',
  countryCode: 'countryCode',
  businessCode: 'businessCode',
  channelId: 'channelId',
  /** The E2E key's one-time token: answered as `bizToken`, handed back as `BizToken`. */
  bizTokenResponse: 'bizToken',
  bizTokenRequest: 'BizToken',
  /** On every answer of Citi's gateway. */
  globalTransactionId: 'x-global-transaction-id',
  /** The emulator's own [project-defined]: `sandbox-fault: 503` makes it answer that status. */
  sandboxFault: 'sandbox-fault',
} as const;

export const GRANT_TYPES = {
  clientCredentials: 'client_credentials',
  authorizationCode: 'authorization_code',
  refreshToken: 'refresh_token',
  password: 'password',
  /** Card enrollment (a JSON field there) and the card token (a form field). */
  card: 'card_authorization',
} as const;

export type GrantType = (typeof GRANT_TYPES)[keyof typeof GRANT_TYPES];

/** The query of Citi's authorize URL (three-legged sign-in, PKCE S256). */
export interface AuthorizeQuery {
  response_type: 'code';
  client_id: string;
  scope: string;
  countryCode: string;
  businessCode: string;
  locale: string;
  state: string;
  redirect_uri: string;
  code_challenge: string;
  code_challenge_method: typeof PKCE_METHOD;
}

/** What the authorize endpoint adds to the redirect URI: a `code`, or an OAuth `error`; always the request's `state`. */
export type AuthorizeRedirect = { code: string; state: string; error: string; error_description: string };

/** How a request names a card holder: card enrollment, and the reward linkage of Pay with Points. */
export interface CardHolderFields {
  /** Four digits. */
  lastFourDigitsCardNumber: string;
  citiCardHolderPhoneNumber: string;
}

/** The JSON body of a card enrollment (`cardAuthorize`). */
export interface CardEnrollRequest extends CardHolderFields {
  grant_type: typeof GRANT_TYPES.card;
  merchantCustomerReferenceId?: string;
}

/** The `moreInfo` of the enrollment's 403 `otpRequired` answer: the enrollment the OTP belongs to. */
export type OtpRequiredInfo = { controlFlowId: string };

/** Card activation (`cardActivate`, with the card token): the request's body, and its answer. */
export type CardActivateRequest = { cardId: string };
export type CardActivateResponse = { cardId: string; status: string };

// The forms of the token endpoints, one per grant, and of revocation (RFC 7009).
export type ClientCredentialsForm = { grant_type: typeof GRANT_TYPES.clientCredentials; scope: string };
export type AuthorizationCodeForm = { grant_type: typeof GRANT_TYPES.authorizationCode; code: string; redirect_uri: string; code_verifier: string };
export type RefreshForm = { grant_type: typeof GRANT_TYPES.refreshToken; refresh_token: string };
/** `password` is encrypted under the E2E key (citi/e2e.ts); the call carries the key's bizToken. */
export type PasswordForm = { grant_type: typeof GRANT_TYPES.password; scope: string; username: string; password: string };
/** Trades an enrollment's OTP for a card token (`cardToken`). */
export type CardTokenForm = { grant_type: typeof GRANT_TYPES.card; controlFlowId: string; linkageConfirmationCode: string; scope: string };
export type RevocationForm = { token: string; token_type_hint?: TokenTypeHint };

/** Citi's channel for API callers, sent in the channelId header of the E2E key request. */
export const DEFAULT_CHANNEL_ID = 'INTERNET';
