/** The emulator's HTTP server: parses requests, routes them, answers with Citi's shapes, logs. */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { SANDBOX_BASE_PATH } from '../citi/endpoints.js';
import { CITI_ERRORS } from '../citi/errors.js';
import { redactQuery } from '../citi/secrets.js';
import { endpointKey, matchEndpoint, matchTemplate, redactPathSecrets } from '../citi/catalogue.js';
import { catalogueAnswer, checkCatalogued, recordAnswer } from './api-catalogue.js';
import { HEADERS } from '../citi/wire.js';
import { citiError, header, ReplyError, type Handler, type ProtocolRoute, type SandboxReply, type SandboxRequest } from './http.js';
import { requirePeer, verifiedPeer } from './mtls.js';
import { allRoutes } from './routes.js';
import { DEFAULT_TTLS, SandboxState, type SandboxTtls } from './state.js';

export const DEFAULT_CLIENT_ID = 'sandbox-client';
export const DEFAULT_CLIENT_SECRET = 'sandbox-secret';
const MAX_BODY_BYTES = 1024 * 1024;

export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  /** Redirect URIs registered for the seeded client; none means any loopback redirect is allowed. */
  redirectUris?: string[];
  ttls?: Partial<SandboxTtls>;
  /** Receives one line per request, secrets redacted. */
  log?: (line: string) => void;
  /** Skip the sign-in and consent pages: the authorize endpoint redirects at once as SandboxUser1. */
  autoConsent?: boolean;
  /** Clock, for tests. */
  now?: () => number;
  /** Serve HTTPS instead of plain HTTP (PEM text). */
  tls?: SandboxTlsOptions;
}

export interface SandboxTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA that client certificates must be signed by; presented certificates are always checked. */
  clientCa?: string | Buffer;
  /** Refuse every call that does not present a valid client certificate (HTTP 401). */
  requireClientCert?: boolean;
}

export interface RunningSandbox {
  /** Base URL to hand to `--base-url` / `CITI_BASE_URL`; ends in `/gcb/api`. */
  url: string;
  port: number;
  clientId: string;
  clientSecret: string;
  state: SandboxState;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const state = new SandboxState({ ...DEFAULT_TTLS, ...options.ttls }, options.now);
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const clientSecret = options.clientSecret ?? DEFAULT_CLIENT_SECRET;
  state.addClient({ clientId, clientSecret, redirectUris: options.redirectUris ?? [] });
  state.autoConsent = Boolean(options.autoConsent);
  const routes = routeTable(state);
  const log = options.log;
  if (log) state.log = log;

  const tls = options.tls;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const started = performance.now();
    handle(req, state, routes, tls)
      .catch((err: unknown) => (err instanceof ReplyError ? err.reply : internalError(err, log)))
      .then((reply) => {
        // Logged before the answer goes out: whoever got the answer finds its line in the log.
        if (log) {
          const [raw = '', query = ''] = (req.url ?? '').split('?', 2);
          const q = query ? '?' + redactQuery(query) : '';
          const path = raw.startsWith(SANDBOX_BASE_PATH + '/') ? SANDBOX_BASE_PATH + redactPathSecrets(raw.slice(SANDBOX_BASE_PATH.length), req.method) : raw;
          log(`${req.method} ${path}${q} ${reply.status} ${(performance.now() - started).toFixed(1)}ms`);
        }
        send(res, reply);
      });
  };
  // Client certificates are asked for but judged per request (see mtls.ts).
  const server = tls
    ? https.createServer(
        { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', requestCert: true, rejectUnauthorized: false, ...(tls.clientCa ? { ca: tls.clientCa } : {}) },
        onRequest,
      )
    : http.createServer(onRequest);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  state.startSweeping();
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `${tls ? 'https' : 'http'}://${hostInUrl}:${port}${SANDBOX_BASE_PATH}`,
    port,
    clientId,
    clientSecret,
    state,
    close() {
      closed ??= new Promise<void>((resolve) => {
        state.stopSweeping();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
  };
}

/** The emulator's own answers to catalogued APIs, by `METHOD /template`, and the protocol endpoints. */
interface RouteTable {
  apis: ReadonlyMap<string, Handler>;
  protocol: readonly ProtocolRoute[];
}

function routeTable(state: SandboxState): RouteTable {
  const apis = new Map<string, Handler>();
  const protocol: ProtocolRoute[] = [];
  for (const route of allRoutes(state)) {
    if ('api' in route) apis.set(endpointKey(route.api), route.handler);
    else protocol.push(route);
  }
  return { apis, protocol };
}

async function handle(req: http.IncomingMessage, state: SandboxState, routes: RouteTable, tls: SandboxTlsOptions | undefined): Promise<SandboxReply> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  // Citi serves /gcb/api//v1/accounts as /gcb/api/v1/accounts.
  url.pathname = url.pathname.replace(/\/{2,}/g, '/');
  const rawBody = await readBody(req);
  if (tls?.requireClientCert) requirePeer(req, 'This server requires mutual TLS');
  else if (tls) verifiedPeer(req);
  if (!url.pathname.startsWith(SANDBOX_BASE_PATH + '/')) throw citiError('resourceNotFound', `Paths start with ${SANDBOX_BASE_PATH}`);
  const path = url.pathname.slice(SANDBOX_BASE_PATH.length);
  const fault = header(req, HEADERS.sandboxFault);
  if (typeof fault === 'string' && /^5\d\d$/.test(fault)) {
    return { status: Number(fault), body: CITI_ERRORS.serverUnavailable.body };
  }
  const method = req.method ?? 'GET';
  const request = (params: Record<string, string>): SandboxRequest => ({
    method,
    path,
    query: url.searchParams,
    headers: req.headers,
    body: parseBody(rawBody, req.headers['content-type']),
    rawBody,
    params,
    socket: req.socket,
  });
  // Every API is found by the one catalogue lookup and passes its guard and validation; then the
  // emulator's own answer where it has one, else one made from the catalogue's schema.
  const api = matchEndpoint(path, method);
  if (api) {
    const r = request(api.params);
    const token = await checkCatalogued(r, state, api.entry);
    r.token = token;
    const own = routes.apis.get(endpointKey(api.entry));
    if (!own) return catalogueAnswer(r, state, api, token, routes.apis);
    const reply = await own(r);
    recordAnswer(r, state, api, token, reply);
    return reply;
  }
  let pathMatched = false;
  for (const route of routes.protocol) {
    const params = matchTemplate(route.path, path);
    if (!params) continue;
    pathMatched = true;
    if (route.method === method) return route.handler(request(params));
  }
  if (pathMatched || matchEndpoint(path)) {
    throw citiError('methodNotAllowed', `${method} is not allowed on ${path}`);
  }
  throw citiError('resourceNotFound', `No API at ${path}`);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(citiError('invalidRequest', 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (/application\/json/i.test(contentType ?? '')) {
    try {
      return JSON.parse(raw);
    } catch {
      throw citiError('invalidRequest', 'The body is not valid JSON');
    }
  }
  if (/application\/x-www-form-urlencoded/i.test(contentType ?? '')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  return undefined;
}

function send(res: http.ServerResponse, reply: SandboxReply): void {
  const headers: Record<string, string> = { [HEADERS.globalTransactionId]: crypto.randomUUID(), ...reply.headers };
  let payload = '';
  if (reply.html !== undefined) {
    headers['content-type'] = 'text/html; charset=utf-8';
    headers['content-security-policy'] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:*";
    payload = reply.html;
  } else if (reply.body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(reply.body);
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function internalError(err: unknown, log?: (line: string) => void): SandboxReply {
  log?.(`internal error: ${err instanceof Error ? err.message : String(err)}`);
  return { status: 500, body: { ...CITI_ERRORS.serverUnavailable.body, details: 'Internal emulator error' } };
}
