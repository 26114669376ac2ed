/**
 * The loopback server that receives the browser's redirect after sign-in and consent.
 * It listens on 127.0.0.1 before the browser opens, accepts exactly one good callback (right path,
 * right state, compared in constant time), answers anything else with 400/404 (421 for another
 * Host: DNS rebinding) without ending the wait, times out, and is closed in every case.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { AuthorizeRedirect } from '../citi/wire.js';
import { AuthError, UsageError, type CliError } from '../errors.js';
import { constantTimeEqual } from '../util/constant-time.js';
import { waitText } from '../util/duration.js';
import { escapeHtml } from '../util/html.js';

// It used to live here; importers of this module keep finding it.
export { waitText };

export const DEFAULT_CALLBACK_PATH = '/callback';

/** What one request to the redirect URI means for the login. */
export type CallbackOutcome =
  | { kind: 'code'; code: string }
  /** Ends the wait with this error (consent denied, an OAuth error, no code). */
  | { kind: 'error'; error: CliError }
  /** Answered with this status; the wait goes on. */
  | { kind: 'ignore'; status: 400 | 404 | 405; message: string };

/** Reads a redirect back from the authorization server; shared by the server and `--manual`. */
export function interpretCallback(url: URL, expect: { path: string; state: string }): CallbackOutcome {
  if (url.pathname !== expect.path) {
    return { kind: 'ignore', status: 404, message: `Not the callback path (${expect.path}): ignored a request for ${url.pathname}` };
  }
  const param = (name: keyof AuthorizeRedirect) => url.searchParams.get(name);
  const state = param('state');
  if (!state || !constantTimeEqual(state, expect.state)) {
    return {
      kind: 'ignore',
      status: 400,
      message: state
        ? 'The state parameter does not match this sign-in (an older or forged redirect): ignored'
        : 'The callback has no state parameter: ignored',
    };
  }
  const error = param('error');
  if (error) return { kind: 'error', error: oauthRedirectError(error, param('error_description')) };
  const code = param('code');
  if (!code) {
    return {
      kind: 'error',
      error: new AuthError('The authorization server redirected back without a code', 'Run the command again; if it repeats, check the authorize path of the profile.'),
    };
  }
  return { kind: 'code', code };
}

/** OAuth's redirect errors (RFC 6749 4.1.2.1) as clear, one-line messages; exit code 3. */
export function oauthRedirectError(error: string, description: string | null): AuthError {
  const detail = description ? `: ${printable(description)}` : '';
  switch (error) {
    case 'access_denied':
      return new AuthError(`Consent was denied in the browser (access_denied)${detail}`, 'Run the command again and choose Allow on the consent page.');
    case 'invalid_scope':
      return new AuthError(`The authorization server refused the scopes (invalid_scope)${detail}`, 'Check --scope against the scopes your app may ask for.');
    case 'unauthorized_client':
      return new AuthError(`The app may not use the three-legged flow (unauthorized_client)${detail}`, 'Check the app on the developer portal.');
    case 'login_required':
    case 'interaction_required':
      return new AuthError(`The sign-in was not completed (${printable(error)})${detail}`);
    default:
      return new AuthError(`The authorization server returned an error: ${printable(error)}${detail}`);
  }
}

/** Text from a URL, safe to print on a terminal: no control characters, bounded length. */
function printable(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return clean.length > 200 ? clean.slice(0, 200) + '…' : clean;
}

export interface CallbackServerOptions {
  /** The registered redirect URI; its port and path are used. None: a free port and /callback. */
  redirectUri?: string;
  state: string;
  timeoutMs: number;
  /** Told about requests that were answered without ending the wait. */
  onIgnored?: (message: string) => void;
}

export interface CallbackServer {
  /** The redirect URI to send in the authorize request. */
  redirectUri: string;
  port: number;
  /** The code of the one good callback; rejects on an OAuth error, a missing code or the timeout. */
  result: Promise<{ code: string }>;
  /** Ends the wait with this error (what was to bring the browser back cannot). */
  fail(err: Error): void;
  close(): Promise<void>;
}

export async function startCallbackServer(opts: CallbackServerOptions): Promise<CallbackServer> {
  const wanted = opts.redirectUri ? new URL(opts.redirectUri) : undefined;
  const path = wanted ? wanted.pathname : DEFAULT_CALLBACK_PATH;
  const listenHost = wanted?.hostname === '[::1]' ? '::1' : '127.0.0.1';
  const port = wanted ? Number(wanted.port) : 0;

  let settle!: { resolve: (v: { code: string }) => void; reject: (e: Error) => void };
  const result = new Promise<{ code: string }>((resolve, reject) => (settle = { resolve, reject }));
  result.catch(() => undefined); // the caller awaits it; no unhandled rejection before that
  let done = false;
  const finish = (outcome: { code: string } | Error) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (outcome instanceof Error) settle.reject(outcome);
    else settle.resolve(outcome);
  };

  // Filled in once the port is known: the Host values a browser sends for this server.
  const hosts = new Set<string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const reply = (status: number, title: string, message: string) => {
      res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        connection: 'close',
      });
      res.end(page(title, message, status === 200));
    };
    // A page on another site whose name resolves to 127.0.0.1 (DNS rebinding) sends its own Host.
    if (!hosts.has((req.headers.host ?? '').toLowerCase())) {
      reply(421, 'Misdirected request', 'This server only answers requests for its own loopback address.');
      opts.onIgnored?.(`Ignored a request for another host (${printable(req.headers.host ?? 'none')})`);
      return;
    }
    if (req.method !== 'GET') {
      reply(405, 'Not allowed', 'The callback only takes GET.');
      opts.onIgnored?.(`Ignored a ${req.method} request to the callback server`);
      return;
    }
    if (done && url.pathname === path) {
      reply(400, 'Already done', 'This sign-in has already received its callback; this one was ignored.');
      opts.onIgnored?.('Ignored a second callback: this sign-in already received one');
      return;
    }
    const outcome = interpretCallback(url, { path, state: opts.state });
    switch (outcome.kind) {
      case 'ignore':
        reply(outcome.status, outcome.status === 404 ? 'Not found' : 'Bad request', outcome.message);
        if (url.pathname !== '/favicon.ico') opts.onIgnored?.(outcome.message);
        return;
      case 'error':
        reply(400, 'Sign-in failed', `${outcome.error.message}. You can close this tab and return to the terminal.`);
        finish(outcome.error);
        return;
      case 'code':
        reply(200, 'Signed in', 'citi-sandbox received the authorization. You can close this tab and return to the terminal.');
        finish({ code: outcome.code });
        return;
    }
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, port, opts.redirectUri)));
    server.listen(port, listenHost, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  // Sent exactly as the user gave it: a strict server compares redirect URIs character for character.
  const redirectUri = opts.redirectUri ?? `http://127.0.0.1:${actualPort}${DEFAULT_CALLBACK_PATH}`;
  for (const name of new Set([listenHost === '::1' ? '[::1]' : listenHost, wanted?.hostname ?? listenHost])) {
    hosts.add(`${name}:${actualPort}`.toLowerCase());
    if (actualPort === 80) hosts.add(name.toLowerCase());
  }

  const timer = setTimeout(() => {
    finish(
      new AuthError(
        `No sign-in came back to ${redirectUri} within ${waitText(opts.timeoutMs)}`,
        'Finish signing in sooner or allow more time with --timeout (e.g. --timeout 5m); if the browser cannot reach this machine, use --manual.',
      ),
    );
  }, opts.timeoutMs);

  let closed: Promise<void> | undefined;
  return {
    redirectUri,
    port: actualPort,
    result,
    fail: finish,
    close() {
      closed ??= new Promise<void>((resolve) => {
        clearTimeout(timer);
        if (!done) finish(new AuthError('The sign-in was cancelled'));
        server.close(() => resolve());
        // Let a page being written reach the browser, then cut every connection.
        for (const s of sockets) s.end();
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 200).unref();
      });
      return closed;
    },
  };
}

function listenError(err: NodeJS.ErrnoException, port: number, redirectUri: string | undefined): Error {
  if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
    const why = err.code === 'EADDRINUSE' ? 'is already in use' : 'may not be used by this user';
    return new UsageError(
      `Port ${port} ${why}, so the callback server for ${redirectUri} cannot start`,
      `Stop the program listening on port ${port} (see \`ss -ltnp 'sport = :${port}'\`), or register another redirect URI with Citi and run \`citi login --redirect-uri http://127.0.0.1:PORT/callback\`.`,
    );
  }
  return err;
}

function page(title: string, message: string, ok: boolean): string {
  const colour = ok ? '#0a7d32' : '#b3261e';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · citi-sandbox</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em;color:#222}h1{color:${colour};font-size:1.4em}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>
`;
}
