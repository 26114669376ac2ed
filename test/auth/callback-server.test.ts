import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startCallbackServer, type CallbackServer } from '../../src/auth/callback-server.js';
import { AuthError, EXIT, UsageError } from '../../src/errors.js';
import { freePort, onCleanup } from '../helpers/cli.js';

const STATE = 'state-0123456789abcdefghijklmnop';

async function server(opts: { redirectUri?: string; timeoutMs?: number } = {}): Promise<{ s: CallbackServer; ignored: string[] }> {
  const ignored: string[] = [];
  const s = await startCallbackServer({ state: STATE, timeoutMs: opts.timeoutMs ?? 10_000, onIgnored: (m) => ignored.push(m), ...opts });
  onCleanup(() => s.close());
  return { s, ignored };
}

async function get(url: string): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A GET with the Host header a browser would send for `host` (a rebound DNS name, say). */
function getWithHost(url: string, host: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
  });
}

/** True when nothing listens on the port any more: proved by listening on it. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}


describe('callback server', () => {
  it('accepts a good callback, shows a success page, and frees the port once closed', async () => {
    const { s } = await server();
    expect(s.redirectUri).toBe(`http://127.0.0.1:${s.port}/callback`);
    const page = await get(`${s.redirectUri}?code=the-code&state=${STATE}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Signed in');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    await expect(s.result).resolves.toEqual({ code: 'the-code' });
    await s.close();
    expect(await portIsFree(s.port)).toBe(true);
  });

  it('uses the port and path of the registered redirect URI', async () => {
    const port = await freePort();
    const { s } = await server({ redirectUri: `http://127.0.0.1:${port}/oauth/back` });
    expect(s.port).toBe(port);
    expect(s.redirectUri).toBe(`http://127.0.0.1:${port}/oauth/back`);
    expect((await get(`http://127.0.0.1:${port}/callback?code=c&state=${STATE}`)).status).toBe(404);
    expect((await get(`http://127.0.0.1:${port}/oauth/back?code=c2&state=${STATE}`)).status).toBe(200);
    await expect(s.result).resolves.toEqual({ code: 'c2' });
    await s.close();
    expect(await portIsFree(port)).toBe(true);
  });

  it('answers a wrong state with 400 and keeps waiting', async () => {
    const { s, ignored } = await server();
    const bad = await get(`${s.redirectUri}?code=forged&state=not-the-state`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('The state parameter does not match this sign-in');
    const none = await get(`${s.redirectUri}?code=forged`);
    expect(none.status).toBe(400);
    expect(none.text).toContain('The callback has no state parameter');
    expect(ignored).toEqual([
      'The state parameter does not match this sign-in (an older or forged redirect): ignored',
      'The callback has no state parameter: ignored',
    ]);
    // Still waiting: the good one is taken.
    expect((await get(`${s.redirectUri}?code=good&state=${STATE}`)).status).toBe(200);
    await expect(s.result).resolves.toEqual({ code: 'good' });
    await s.close();
    expect(await portIsFree(s.port)).toBe(true);
  });

  it('answers a wrong path with 404 and another method with 405, and keeps waiting', async () => {
    const { s, ignored } = await server();
    const wrong = await get(`http://127.0.0.1:${s.port}/elsewhere?code=x&state=${STATE}`);
    expect(wrong.status).toBe(404);
    expect(wrong.text).toContain('ignored a request for /elsewhere');
    const post = await fetch(`${s.redirectUri}?code=x&state=${STATE}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(ignored).toEqual(['Not the callback path (/callback): ignored a request for /elsewhere', 'Ignored a POST request to the callback server']);
    expect((await get(`${s.redirectUri}?code=ok&state=${STATE}`)).status).toBe(200);
    await expect(s.result).resolves.toEqual({ code: 'ok' });
    await s.close();
    expect(await portIsFree(s.port)).toBe(true);
  });

  it('ends with a clear error when the callback has the right state but no code', async () => {
    const { s } = await server();
    const page = await get(`${s.redirectUri}?state=${STATE}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('redirected back without a code');
    const err = await s.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).message).toBe('The authorization server redirected back without a code');
    await s.close();
    expect(await portIsFree(s.port)).toBe(true);
  });

  it('turns error=access_denied into a clear message (exit 3) and escapes what it shows', async () => {
    const { s } = await server();
    const description = '<script>alert(1)</script> said no';
    const page = await get(`${s.redirectUri}?error=access_denied&error_description=${encodeURIComponent(description)}&state=${STATE}`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; said no');
    expect(page.text).not.toContain('<script>');
    const err = (await s.result.catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.exitCode).toBe(EXIT.auth);
    expect(err.message).toBe('Consent was denied in the browser (access_denied): <script>alert(1)</script> said no');
    expect(err.hint).toBe('Run the command again and choose Allow on the consent page.');
    await s.close();
    expect(await portIsFree(s.port)).toBe(true);
  });

  it('turns other OAuth errors into their own messages', async () => {
    const { s } = await server();
    await get(`${s.redirectUri}?error=invalid_scope&error_description=Unknown%20scope%3A%20x&state=${STATE}`);
    const err = (await s.result.catch((e: unknown) => e)) as AuthError;
    expect(err.message).toBe('The authorization server refused the scopes (invalid_scope): Unknown scope: x');
    await s.close();
    expect(await portIsFree(s.port)).toBe(true);
  });

  it('ignores a forged error redirect whose state does not match', async () => {
    const { s } = await server();
    expect((await get(`${s.redirectUri}?error=access_denied&state=forged`)).status).toBe(400);
    expect((await get(`${s.redirectUri}?code=real&state=${STATE}`)).status).toBe(200);
    await expect(s.result).resolves.toEqual({ code: 'real' });
    await s.close();
  });

  it('accepts exactly one callback: a second one is refused', async () => {
    const { s, ignored } = await server();
    expect((await get(`${s.redirectUri}?code=first&state=${STATE}`)).status).toBe(200);
    const second = await get(`${s.redirectUri}?code=second&state=${STATE}`);
    expect(second.status).toBe(400);
    expect(second.text).toContain('This sign-in has already received its callback');
    expect(ignored).toEqual(['Ignored a second callback: this sign-in already received one']);
    await expect(s.result).resolves.toEqual({ code: 'first' });
    await s.close();
    expect(await portIsFree(s.port)).toBe(true);
    // Closed: nothing answers any more.
    await expect(fetch(`${s.redirectUri}?code=third&state=${STATE}`)).rejects.toThrow();
  });

  it('fails with an error naming the port and the fix when the port is in use', async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    onCleanup(() => new Promise<void>((r) => blocker.close(() => r())));
    const err = (await startCallbackServer({ redirectUri: `http://127.0.0.1:${port}/callback`, state: STATE, timeoutMs: 1000 }).catch((e: unknown) => e)) as UsageError;
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toBe(`Port ${port} is already in use, so the callback server for http://127.0.0.1:${port}/callback cannot start`);
    expect(err.hint).toContain(`Stop the program listening on port ${port}`);
    expect(err.hint).toContain('citi login --redirect-uri http://127.0.0.1:PORT/callback');
    await new Promise<void>((r) => blocker.close(() => r()));
    expect(await portIsFree(port)).toBe(true);
  });

  it('times out with a clear message and frees the port', async () => {
    const { s } = await server({ timeoutMs: 300 });
    const err = (await s.result.catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toBe(`No sign-in came back to ${s.redirectUri} within 300 ms`);
    expect(err.hint).toContain('--timeout');
    await s.close();
    expect(await portIsFree(s.port)).toBe(true);
  });

  it('answers only requests for its own address and port: another Host (DNS rebinding) gets 421 and the wait goes on', async () => {
    const { s, ignored } = await server();
    const callback = `${s.redirectUri}?code=forged&state=${STATE}`;
    for (const host of [`rebind.example:${s.port}`, `127.0.0.1:${s.port + 1}`, 'rebind.example']) {
      const page = await getWithHost(callback, host);
      expect(page.status).toBe(421);
      expect(page.text).toContain('only answers requests for its own loopback address');
    }
    expect(ignored).toContain(`Ignored a request for another host (rebind.example:${s.port})`);
    const good = await getWithHost(`${s.redirectUri}?code=the-code&state=${STATE}`, `127.0.0.1:${s.port}`);
    expect(good.status).toBe(200);
    await expect(s.result).resolves.toEqual({ code: 'the-code' });
  });

  it('takes the Host of a localhost redirect URI, and keeps that URI exactly as given', async () => {
    const port = await freePort();
    const { s } = await server({ redirectUri: `http://localhost:${port}` });
    expect(s.redirectUri).toBe(`http://localhost:${port}`);
    const page = await getWithHost(`http://127.0.0.1:${port}/?code=c&state=${STATE}`, `localhost:${port}`);
    expect(page.status).toBe(200);
    await expect(s.result).resolves.toEqual({ code: 'c' });
  });
});
