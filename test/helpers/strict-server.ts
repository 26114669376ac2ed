/**
 * A small OAuth and API server that checks requests as a strict server would (RFC 6749, RFC 9700)
 * rather than as our emulator does: Basic credentials decoded per §2.3.1, redirect_uri compared
 * character for character, token answers without expires_in. Every request is recorded; a route
 * can answer, stall (never answer) or reset the connection.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { onCleanup } from './cli.js';

export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  form: URLSearchParams;
  body: string;
}

export type Answer = { status: number; json?: unknown; text?: string; type?: string; headers?: Record<string, string> } | 'stall' | 'reset';
export type Handler = (req: Seen) => Answer | undefined;

export interface StrictServer {
  url: string;
  /** base URL of the API: `${url}/gcb/api`. */
  baseUrl: string;
  seen: Seen[];
  /** Requests by `METHOD /path` (the path below the base, without the query). */
  count(what: string): number;
}

/** Decodes Basic credentials the way RFC 6749 §2.3.1 writes them: form-urlencoded id and secret. */
export function rfcBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!m) return undefined;
  const raw = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = raw.indexOf(':');
  // Strict: a raw ":" or space in either part means the client did not form-encode it.
  if (colon < 0 || /[ :]/.test(raw.slice(colon + 1))) return undefined;
  const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: decode(raw.slice(0, colon)), secret: decode(raw.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export async function strictServer(handler: Handler): Promise<StrictServer> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += String(c)));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.replace(/^\/gcb\/api/, '');
      const entry: Seen = { method: req.method ?? '', path, query: url.searchParams, headers: req.headers, body, form: new URLSearchParams(/form-urlencoded/.test(req.headers['content-type'] ?? '') ? body : '') };
      seen.push(entry);
      const answer = handler(entry) ?? { status: 404, json: { type: 'error', code: 'resourceNotFound', details: 'Not found' } };
      if (answer === 'stall') return;
      if (answer === 'reset') return void req.socket.destroy();
      const text = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? '');
      res.writeHead(answer.status, { 'content-type': answer.type ?? (answer.json !== undefined ? 'application/json' : 'text/plain'), ...answer.headers });
      res.end(text);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, baseUrl: `${url}/gcb/api`, seen, count: (what) => seen.filter((r) => `${r.method} ${r.path}` === what).length };
}
