/**
 * The one HTTP client: base URL, Citi's headers, timeouts, retries of idempotent calls,
 * TLS settings, and --verbose traces with secrets redacted. got is imported on first use.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, AuthError, type CliError } from '../errors.js';
import { clientCertError, clientCertProblem, clientCertResponseError } from './mtls.js';
import { redactBody, redactHeaders, redactUrl } from './redact.js';
import { userAgent } from '../util/version.js';

export interface TlsClientOptions {
  cert?: string | Buffer;
  key?: string | Buffer;
  pfx?: Buffer;
  passphrase?: string;
  ca?: string | Buffer;
}

export interface HttpClientOptions {
  baseUrl: string;
  clientId: string;
  /** Trace lines go here when set (stderr under --verbose). */
  trace?: (line: string) => void;
  timeoutMs?: number;
  /** Told of each retry as it happens ("503", attempt 1 of 2): progress on a terminal. */
  onRetry?: (reason: string, attempt: number, limit: number) => void;
  /** TLS material, or a loader called on the first request (files read, passphrase asked, only when needed). */
  tls?: TlsClientOptions | (() => Promise<TlsClientOptions>);
}

export interface HttpRequest {
  method: string;
  /** A path under the base URL (`/v1/accounts`), or an absolute URL. */
  path: string;
  query?: Record<string, string> | URLSearchParams;
  headers?: Record<string, string>;
  form?: Record<string, string>;
  json?: unknown;
  /** A raw body, sent as is. */
  body?: string;
  /**
   * A resource call with this access token: `Authorization: Bearer …` and Citi's resource-call
   * headers, `uuid` (fresh each time) and `client_id`.
   */
  bearer?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  text: string;
  url: string;
  durationMs: number;
}

type Got = typeof import('got').default;

/** Retries of idempotent calls on 502/503/504 and dropped connections. */
const RETRY_LIMIT = 2;

export class HttpClient {
  private got?: Promise<Got>;
  private tls?: Promise<TlsClientOptions | undefined>;

  constructor(readonly options: HttpClientOptions) {}

  urlFor(path: string): string {
    if (/^https?:\/\//i.test(path)) return path;
    return this.options.baseUrl + (path.startsWith('/') ? path : '/' + path);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.got ??= import('got').then((m) => m.default);
    const got = await this.got;
    const url = new URL(this.urlFor(req.path));
    if (req.query) for (const [k, v] of new URLSearchParams(req.query)) url.searchParams.append(k, v);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent(), ...lower(req.headers) };
    if (req.bearer !== undefined) {
      headers.authorization = `Bearer ${req.bearer}`;
      headers.uuid ??= randomUUID();
      headers.client_id ??= this.options.clientId;
    }
    let body = req.body;
    if (req.form) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    const method = req.method.toUpperCase();
    const { trace, onRetry } = this.options;
    const tlsOption = this.options.tls;
    this.tls ??= Promise.resolve(typeof tlsOption === 'function' ? tlsOption() : tlsOption);
    const tls = await this.tls.catch((err: unknown) => {
      this.tls = undefined; // a failed load (say, a wrong passphrase) may be retried
      throw err;
    });
    const started = performance.now();
    try {
      const res = await got(url, {
        method: method as 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        throwHttpErrors: false,
        followRedirect: false,
        timeout: { request: this.options.timeoutMs ?? 30_000 },
        retry: {
          limit: RETRY_LIMIT,
          methods: ['GET', 'HEAD', 'OPTIONS'],
          statusCodes: [502, 503, 504],
          errorCodes: ['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN'],
        },
        https: {
          minVersion: 'TLSv1.2',
          ...(tls?.cert ? { certificate: tls.cert } : {}),
          ...(tls?.key ? { key: tls.key } : {}),
          ...(tls?.pfx ? { pfx: tls.pfx } : {}),
          ...(tls?.passphrase ? { passphrase: tls.passphrase } : {}),
          ...(tls?.ca ? { certificateAuthority: tls.ca } : {}),
        },
        hooks: {
          beforeRetry: onRetry ? [(error, count) => onRetry(String(error.response?.statusCode ?? error.code), count, RETRY_LIMIT)] : [],
          ...(trace
          ? {
              beforeRequest: [
                (o) => {
                  trace(`> ${o.method} ${redactUrl(String(o.url))}`);
                  for (const [k, v] of Object.entries(redactHeaders(o.headers))) trace(`> ${k}: ${v}`);
                  if (body) trace(`> ${redactBody(body, headers['content-type'])}`);
                },
              ],
              afterResponse: [
                (r) => {
                  trace(`< ${r.statusCode} ${r.statusMessage ?? ''} (${(performance.now() - started).toFixed(0)} ms)`);
                  for (const [k, v] of Object.entries(redactHeaders(r.headers))) trace(`< ${k}: ${v}`);
                  const text = typeof r.body === 'string' ? r.body : Buffer.isBuffer(r.body) ? r.body.toString('utf8') : '';
                  if (text) trace(`< ${redactBody(text, r.headers['content-type'])}`);
                  return r;
                },
              ],
            }
          : {}),
        },
      });
      const text = res.body;
      const parsed = parseMaybeJson(text, res.headers['content-type']);
      // A refused client certificate is a transport problem whatever the call: say so once, here.
      const certRefused = clientCertResponseError(res.statusCode, parsed, url.origin);
      if (certRefused) throw certRefused;
      return {
        status: res.statusCode,
        headers: res.headers,
        body: parsed,
        text,
        url: res.url,
        durationMs: performance.now() - started,
      };
    } catch (err) {
      if (err instanceof AuthError) throw err;
      throw transportError(err, url);
    }
  }
}

function lower(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function parseMaybeJson(text: string, contentType: string | undefined): unknown {
  if (!text) return undefined;
  if (/json/i.test(contentType ?? '') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Turns a network or TLS failure into one clear line that names the fix. */
export function transportError(err: unknown, url: URL): CliError {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e.code === 'ERR_GOT_REQUEST_ERROR' || !e.code ? (e.cause?.code ?? e.code) : e.code;
  const where = url.origin;
  const certProblem = code?.startsWith('ERR_SSL_') ? clientCertProblem(code) : undefined;
  if (certProblem) return clientCertError(certProblem, where, code);
  switch (code) {
    case 'ECONNREFUSED':
      return new ApiError(`Cannot connect to ${where}: connection refused`, 'Is the server running? For the local emulator run `citi sandbox start`, or check --base-url.');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ApiError(`Cannot resolve ${url.hostname}`, 'Check the base URL and your network or DNS.');
    case 'ETIMEDOUT':
      return new ApiError(`No answer from ${where} in time`, 'The server may be down or slow; try again.');
    case 'ECONNRESET':
    case 'EPIPE':
      return new ApiError(`The connection to ${where} was reset`, 'If the server requires a client certificate, configure one (--cert/--key or --p12).');
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return new ApiError(
        `The server certificate of ${where} is not trusted (${code})`,
        'Give its CA: `citi login --ca FILE` for a profile, --ca FILE for `citi client register`, or NODE_EXTRA_CA_CERTS=FILE.',
      );
    case 'CERT_HAS_EXPIRED':
      return new ApiError(`The server certificate of ${where} has expired`);
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return new ApiError(`The server certificate does not match ${url.hostname}`);
    default:
      return new ApiError(`Request to ${where} failed: ${code ?? e.message ?? String(err)}`);
  }
}
