/** Citi's resource-API error body and the canonical errors of citi-api.md. */

export type CitiErrorType = 'error' | 'warn' | 'invalid' | 'fatal';

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

/** The standard errors, each with its HTTP status. */
export const CITI_ERRORS = {
  invalidRequest: { status: 400, body: { type: 'invalid', code: 'invalidRequest', details: 'Missing or invalid parameters' } },
  unAuthorized: {
    status: 401,
    body: { type: 'error', code: 'unAuthorized', details: 'Authorization credential is missing or invalid' },
  },
  accessNotConfigured: {
    status: 403,
    body: { type: 'error', code: 'accessNotConfigured', details: 'The token does not grant access to this resource' },
  },
  /** A controlFlowId (card enrolment, transfer preprocess) that is unknown, expired or already used. */
  invalidControlFlowId: { status: 400, body: { type: 'error', code: 'invalidControlFlowId', details: 'Control flow ID is invalid' } },
  resourceNotFound: { status: 404, body: { type: 'error', code: 'resourceNotFound', details: 'The requested resource was not found' } },
  serverUnavailable: { status: 503, body: { type: 'fatal', code: 'serverUnavailable', details: 'The service is unavailable' } },
} as const satisfies Record<string, { status: number; body: CitiErrorBody }>;
