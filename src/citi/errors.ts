/** Citi's resource-API error body and the canonical errors of citi-api.md. */

/** Citi documents error, warn, invalid and fatal; its client_id check answers with unAuthorized. */
export type CitiErrorType = 'error' | 'warn' | 'invalid' | 'fatal' | 'unAuthorized';

export interface CitiErrorBody {
  type: CitiErrorType;
  code: string;
  details: string;
  location?: string;
  moreInfo?: Record<string, unknown> | string;
}

export function isCitiErrorBody(body: unknown): body is CitiErrorBody {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as Record<string, unknown>;
  return typeof b.code === 'string' && typeof b.type === 'string';
}

/**
 * The one line that tells a person what a failed answer said: Citi's `code: details`, or OAuth's
 * `error: error_description`. Alone it reads `HTTP 400 invalidRequest: Missing or invalid
 * Parameters`; for a step (`what`), `Token request failed: invalid_grant: … (HTTP 400)`.
 */
export function citiErrorLine(status: number, body: unknown, what?: string): string {
  let said: string | undefined;
  if (isCitiErrorBody(body)) said = `${body.code}: ${body.details}`;
  else if (body && typeof body === 'object' && 'error' in body) {
    const b = body as { error: unknown; error_description?: unknown };
    said = `${String(b.error)}${b.error_description ? `: ${String(b.error_description)}` : ''}`;
  }
  if (what === undefined) return said === undefined ? `HTTP ${status}` : `HTTP ${status} ${said}`;
  return said === undefined ? `${what} failed with HTTP ${status}` : `${what} failed: ${said} (HTTP ${status})`;
}

/** Citi's words when it refuses who is calling (the app or the customer). */
const CREDENTIALS_INVALID = 'Authorization credentials are missing or invalid';

/** The standard errors, each with its HTTP status. */
export const CITI_ERRORS = {
  /** Also Citi's answer to an unknown or malformed ID (account, card, payee, application) in a path, query or body. */
  invalidRequest: { status: 400, body: { type: 'invalid', code: 'invalidRequest', details: 'Missing or invalid Parameters' } },
  /** A missing, unknown, expired or revoked bearer token. */
  unAuthorized: {
    status: 401,
    body: { type: 'error', code: 'unAuthorized', details: 'Authorization credential is missing or invalid' },
  },
  /** A client_id header that is not the app the token was issued to. */
  clientMismatch: { status: 401, body: { type: 'unAuthorized', code: '401', details: CREDENTIALS_INVALID } },
  /** The password grant with an unknown user or a wrong password. */
  invalidCredentials: { status: 401, body: { type: 'invalid', code: '401', details: CREDENTIALS_INVALID } },
  /** The password grant without a live bizToken from GET /security/e2eKey [project-defined code]. */
  invalidBizToken: {
    status: 401,
    body: { type: 'invalid', code: 'invalidBizToken', details: 'The bizToken is missing, expired or already used' },
  },
  accessNotConfigured: {
    status: 403,
    body: { type: 'error', code: 'accessNotConfigured', details: 'The token does not grant access to this resource' },
  },
  /** A controlFlowId (card enrolment, transfer preprocess) that is unknown, expired or already used. */
  invalidControlFlowId: { status: 400, body: { type: 'error', code: 'invalidControlFlowId', details: 'Control flow ID is invalid' } },
  resourceNotFound: { status: 404, body: { type: 'error', code: 'resourceNotFound', details: 'The requested resource was not found' } },
  /**
   * A call without a valid client certificate (mutual TLS) [project-defined]; `moreInfo.reason`
   * says why: `missing`, or OpenSSL's verification code (citi/mtls.ts reads them).
   */
  invalidClientCertificate: { status: 401, body: { type: 'error', code: 'invalidClientCertificate', details: 'The client certificate was refused' } },
  /** A path the API has, with a method it does not take. */
  methodNotAllowed: { status: 405, body: { type: 'invalid', code: 'methodNotAllowed', details: 'The method is not allowed on this path' } },
  serverUnavailable: { status: 503, body: { type: 'fatal', code: 'serverUnavailable', details: 'The service is unavailable' } },
  /** A card enrollment's answer: an OTP went to the card holder's phone; `moreInfo.controlFlowId` names the enrollment. */
  otpRequired: { status: 403, body: { type: 'error', code: 'otpRequired', details: "A one-time password was sent to the card holder's registered phone" } },
  /** No card holder has these last four digits and phone number (card enrollment, reward linkage). */
  cardHolderNotFound: { status: 400, body: { type: 'error', code: 'cardHolderNotFound', details: 'No card holder matches these card details' } },
  /** A wrong OTP (card token, reward link activation). */
  invalidOtp: { status: 400, body: { type: 'error', code: 'invalidOtp', details: 'The OTP is not valid' } },
  /** A card token not yet activated for its card. */
  cardNotActivated: { status: 403, body: { type: 'error', code: 'cardNotActivated', details: 'The card token is not activated for this card' } },
  linkageNotActivated: { status: 403, body: { type: 'error', code: 'linkageNotActivated', details: 'Activate the reward link with its OTP first' } },
  insufficientFunds: { status: 400, body: { type: 'error', code: 'insufficientFunds', details: 'The source account has not enough available balance' } },
  insufficientPoints: { status: 400, body: { type: 'error', code: 'insufficientPoints', details: 'Not enough reward points for this redemption' } },
} as const satisfies Record<string, { status: number; body: CitiErrorBody }>;

export type CitiErrorName = keyof typeof CITI_ERRORS;

/** Whether a body is the canonical error `name` (by its code), e.g. `isCitiError(body, 'invalidOtp')`. */
export function isCitiError(body: unknown, name: CitiErrorName): boolean {
  return isCitiErrorBody(body) && body.code === CITI_ERRORS[name].body.code;
}
