/**
 * The one HTTP client: base URL, Citi's headers, a time limit per call (retries included), retries
 * of idempotent calls, proxies, TLS settings, and --verbose traces with secrets redacted. got is
 * imported on first use.
 */
import type { Agent as HttpsAgent } from 'node:https';
import { BEARER } from '../citi/oauth.js';
import { HEADERS } from '../citi/wire.js';
import { ApiError, AuthError, type CliError } from '../errors.js';
import { waitText } from '../util/duration.js';
import { clientCertProblem } from '../citi/mtls.js';
import { clientCertError, clientCertResponseError } from './mtls.js';
import { Proxies, type ProxyRoute } from './proxy.js';
import { redactBody, redactHeaders, redactUrl, scrub } from './redact.js';
import { packageVersion } from '../util/version.js';
import { safeDecode } from '../util/decode.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
const RETRY_LIMIT = 2;

/** `citi-sandbox/0.1.0 node/20.19.0`: who is calling, for server logs and Citi's support. */
const userAgent = () => `citi-sandbox/${packageVersion()} node/${process.versions.node}`;

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
  /** Notes for people (a retry), shown whatever --verbose says: stderr. */
  notice?: (line: string) => void;
  /** How long one call may take, its retries included (default 30 s). */
  timeoutMs?: number;
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

export class HttpClient {
  private got?: Promise<Got>;
  private tls?: Promise<TlsClientOptions | undefined>;
  private readonly proxies = new Proxies();

  constructor(readonly options: HttpClientOptions) {}

  urlFor(path: string): string {
    if (/^https?:\/\//i.test(path)) return path;
    return this.options.baseUrl + (path.startsWith('/') ? path : '/' + path);
  }

  private async tracedUrl(): Promise<(url: string, method: string) => string> {
    const { redactPathSecrets } = await import('../citi/catalogue.js');
    const base = new URL(this.options.baseUrl);
    const basePath = base.pathname.replace(/\/$/, '');
    return (text, method) => {
      const url = new URL(text);
      const rest = url.origin === base.origin && url.pathname.startsWith(basePath + '/') ? url.pathname.slice(basePath.length) : undefined;
      const path = rest === undefined ? url.pathname : basePath + redactPathSecrets(rest, method);
      return redactUrl(url.origin + path + url.search);
    };
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    this.got ??= import('got').then((m) => m.default);
    const got = await this.got;
    const url = new URL(this.urlFor(req.path));
    if (req.query) for (const [k, v] of new URLSearchParams(req.query)) url.searchParams.append(k, v);
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent(), ...lower(req.headers) };
    if (req.bearer !== undefined) {
      // Keys here are lower-case (lower() above); Citi's uuid and client_id are already.
      headers[HEADERS.authorization.toLowerCase()] = `${BEARER} ${req.bearer}`;
      headers[HEADERS.uuid] ??= crypto.randomUUID();
      headers[HEADERS.clientId] ??= this.options.clientId;
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
    const trace = this.options.trace;
    // A trace shows the path with secret path parameters (a card activation code) redacted; the
    // catalogue that knows which ones is loaded only when tracing.
    const tracedUrl = trace ? await this.tracedUrl() : undefined;
    const tlsOption = this.options.tls;
    this.tls ??= Promise.resolve(typeof tlsOption === 'function' ? tlsOption() : tlsOption);
    const tls = await this.tls.catch((err: unknown) => {
      this.tls = undefined; // a failed load (say, a wrong passphrase) may be retried
      throw err;
    });
    const route = await this.proxies.route(url);
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // got's timeouts are per attempt; this bounds the whole call, retries and their pauses included.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    let attempts = 1;
    const started = performance.now();
    try {
      if (route) trace?.(`* through the proxy ${route.shown}`);
      const res = await got(url, {
        method: method as 'GET',
        headers,
        ...(body !== undefined ? { body } : {}),
        throwHttpErrors: false,
        followRedirect: false,
        // The deadline alone limits time: a per-attempt timeout as long would only add a retry
        // that the deadline cuts short.
        signal: deadline.signal,
        retry: {
          limit: RETRY_LIMIT,
          methods: ['GET', 'HEAD', 'OPTIONS'],
          statusCodes: [502, 503, 504],
          errorCodes: ['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN'],
        },
        ...(route ? { agent: url.protocol === 'https:' ? { https: route.agent as HttpsAgent } : { http: route.agent } } : {}),
        https: {
          minVersion: 'TLSv1.2',
          ...(tls?.cert ? { certificate: tls.cert } : {}),
          ...(tls?.key ? { key: tls.key } : {}),
          ...(tls?.pfx ? { pfx: tls.pfx } : {}),
          ...(tls?.passphrase ? { passphrase: tls.passphrase } : {}),
          ...(tls?.ca ? { certificateAuthority: tls.ca } : {}),
        },
        hooks: {
          beforeRetry: [
            (error, retryCount) => {
              attempts = retryCount + 1;
              const why = error.response?.statusCode ?? error.code;
              this.options.notice?.(`${why} from ${url.origin}; retrying ${retryCount}/${RETRY_LIMIT}…`);
            },
          ],
          ...(trace
            ? {
                beforeRequest: [
                  (o) => {
                    trace(`> ${o.method} ${tracedUrl!(String(o.url), o.method)}`);
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
      if (route && res.statusCode === 407) throw proxyAuthError(route);
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
      if (err instanceof AuthError || err instanceof ApiError) throw err;
      if (deadline.signal.aborted) {
        const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
        throw new ApiError(
          `No answer from ${url.origin} within ${waitText(timeoutMs)}${tries}`,
          'The server may be down or slow; try again, or allow more time with CITI_TIMEOUT_MS (milliseconds, retries included).',
        );
      }
      throw transportError(err, url, { mtls: Boolean(tls?.cert || tls?.pfx), ...(route ? { proxy: route } : {}) });
    } finally {
      clearTimeout(timer);
    }
  }
}

function proxyAuthError(route: ProxyRoute): ApiError {
  return new ApiError(
    `The proxy ${route.shown} refused the request: it needs credentials (HTTP 407 Proxy Authentication Required)`,
    route.url.username
      ? 'Check the user name and password in the proxy URL (percent-encode characters such as @ : / in them).'
      : 'Put them in the proxy URL: HTTPS_PROXY=http://USER:PASSWORD@host:port (percent-encode characters such as @ : / in them).',
  );
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
export function transportError(err: unknown, url: URL, via: { mtls?: boolean; proxy?: ProxyRoute } = {}): CliError {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e.code === 'ERR_GOT_REQUEST_ERROR' || !e.code ? (e.cause?.code ?? e.code) : e.code;
  const where = url.origin;
  const certProblem = code?.startsWith('ERR_SSL_') ? clientCertProblem(code) : undefined;
  if (certProblem) return clientCertError(certProblem, where, code);
  const proxy = via.proxy;
  const proxyHint = 'Check HTTPS_PROXY / HTTP_PROXY, or name the host in NO_PROXY to go around the proxy.';
  switch (code) {
    case 'ECONNREFUSED':
      // Through a proxy, the only connection this process makes is to the proxy.
      if (proxy) return new ApiError(`Cannot connect to the proxy ${proxy.shown}: connection refused`, proxyHint);
      return new ApiError(`Cannot connect to ${where}: connection refused`, 'Is the server running? For the local emulator run `citi sandbox start`, or check --base-url.');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      if (proxy) return new ApiError(`Cannot resolve the proxy ${proxy.shown}`, proxyHint);
      return new ApiError(`Cannot resolve ${url.hostname}`, 'Check the base URL and your network or DNS.');
    case 'ETIMEDOUT':
      return new ApiError(`No answer from ${where} in time`, 'The server may be down or slow; try again.');
    case 'ECONNRESET':
    case 'EPIPE':
      return new ApiError(
        `The connection to ${where} was reset${proxy ? ` (through the proxy ${proxy.shown})` : ''}`,
        via.mtls
          ? 'The server may have refused the client certificate: check the profile\'s --cert/--key (or --p12) and that the server trusts its CA.'
          : proxy
            ? `The server or the proxy closed it; try again. ${proxyHint}`
            : 'The server closed it; try again, and check that the base URL\'s scheme (http or https) and port are right.',
      );
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
    default: {
      // An agent's message may quote the proxy URL: never with its password.
      const password = proxy?.url.password;
      const detail = scrub(code ?? e.message ?? String(err), password ? [password, safeDecode(password)] : []);
      return new ApiError(`Request to ${where} failed${proxy ? ` (through the proxy ${proxy.shown})` : ''}: ${detail}`);
    }
  }
}
