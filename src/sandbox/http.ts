/** The emulator's tiny HTTP toolkit: request shape, replies, errors, route matching. */
import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { CatalogueEntry, HttpMethod } from '../citi/catalogue.js';
import { CITI_ERRORS, type CitiErrorBody } from '../citi/errors.js';
import type { OAuthErrorCode } from '../citi/oauth.js';
import type { IssuedToken } from './state.js';

export interface SandboxRequest {
  method: string;
  /** Path below the base path, e.g. `/v1/accounts`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed body: an object for JSON, a string map for forms, undefined when empty. */
  body: unknown;
  rawBody: string;
  params: Record<string, string>;
  socket: Socket | TLSSocket;
  /** The caller's token, once the catalogue's check of the endpoint (kind, scope) accepted it. */
  token?: IssuedToken;
}

export interface SandboxReply {
  status: number;
  body?: unknown;
  /** Set for HTML pages; JSON otherwise. */
  html?: string;
  headers?: Record<string, string>;
}

/** Thrown by handlers; the server turns it into a reply. */
export class ReplyError extends Error {
  constructor(readonly reply: SandboxReply) {
    super(`HTTP ${reply.status}`);
  }
}

export function citiError(name: keyof typeof CITI_ERRORS, details?: string, extra?: Partial<CitiErrorBody>): ReplyError {
  const { status, body } = CITI_ERRORS[name];
  return new ReplyError({ status, body: { ...body, ...(details ? { details } : {}), ...extra } });
}

export function oauthError(status: number, error: OAuthErrorCode, description?: string): ReplyError {
  return new ReplyError({ status, body: { error, ...(description ? { error_description: description } : {}) } });
}

export function json(body: unknown, status = 200, headers?: Record<string, string>): SandboxReply {
  return { status, body, ...(headers ? { headers } : {}) };
}

export type Handler = (req: SandboxRequest) => SandboxReply | Promise<SandboxReply>;

/**
 * What the emulator answers: a catalogued API it answers itself (`api`, from `catalogued()`: the
 * server finds it by the catalogue's lookup, as every API), or a protocol endpoint the catalogue
 * does not list (OAuth, PSD2 registration, the sign-in pages) at a template of citi/endpoints.ts.
 */
export type Route = ApiRoute | ProtocolRoute;

export interface ApiRoute {
  api: CatalogueEntry;
  /** Runs after the catalogue's check; `req.params` holds the template's `{name}` values. */
  handler: Handler;
}

export interface ProtocolRoute {
  method: HttpMethod;
  /** A path template with `{name}` segments, e.g. `/cardAuth/oauth2/token/{CC}/{bc}`. */
  path: string;
  handler: Handler;
}

/** A form as it arrives: any of the fields of F, each a string. */
export type Received<F> = { [K in keyof F]?: string };

/** A form body as a string map; `{}` when the body is JSON or empty. */
export function form(req: SandboxRequest): Record<string, string> {
  const b = req.body;
  if (b && typeof b === 'object' && !Array.isArray(b)) {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(b)) if (typeof v === 'string') out[k] = v;
    return out;
  }
  return {};
}

/** A JSON object body; a 400 invalidRequest otherwise. */
export function jsonObject(req: SandboxRequest): Record<string, unknown> {
  const b = req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b) || !isJsonRequest(req)) {
    throw citiError('invalidRequest', 'A JSON object body is required');
  }
  return b as Record<string, unknown>;
}

export function isJsonRequest(req: SandboxRequest): boolean {
  return /application\/json/i.test(req.headers['content-type'] ?? '');
}

export function header(req: Pick<SandboxRequest, 'headers'>, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export { escapeHtml } from '../util/html.js';
