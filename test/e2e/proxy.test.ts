/**
 * Proxies from the environment, with the built binary and a real HTTP proxy process (the `proxy`
 * package) on loopback: CONNECT tunnels (mutual TLS inside them), HTTP_PROXY for http:// and
 * HTTPS_PROXY for https://, NO_PROXY, either case of the variables, and proxy credentials that never
 * show in --verbose.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnCli, tempConfigHome, testEnv, withoutStoreWarning } from '../helpers/cli.js';
import { proxyProcess } from '../helpers/proxy.js';
import { sandboxProcess } from '../helpers/sandbox.js';

/** The environment of a test, with no proxy setting from the outer shell. */
function cleanEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = testEnv(home);
  for (const v of ['https_proxy', 'http_proxy', 'all_proxy', 'no_proxy']) {
    delete env[v];
    delete env[v.toUpperCase()];
  }
  return { ...env, ...extra };
}

describe('HTTPS_PROXY, HTTP_PROXY and NO_PROXY (a real proxy process)', () => {
  it('tunnels every HTTPS request through CONNECT, mutual TLS included; NO_PROXY goes around it; lower-case names work', async () => {
    const home = await tempConfigHome();
    const env = cleanEnv(home);
    const dir = path.join(home, 'certs');
    expect((await spawnCli(['sandbox', 'certs', '--out', dir], { env })).code).toBe(0);
    // The emulator requires a client certificate signed by its CA on every call.
    const sb = await sandboxProcess(['--certs', dir, '--client-ca', path.join(dir, 'ca.pem')], env);
    const target = new URL(sb.url).host; // 127.0.0.1:PORT: loopback, and still proxied
    const proxy = await proxyProcess();
    const viaProxy = { ...env, HTTPS_PROXY: proxy.url };

    const login = await spawnCli(
      ['--store', 'file', 'login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin', '--cert', path.join(dir, 'client.pem'), '--key', path.join(dir, 'client-key.pem'), '--ca', path.join(dir, 'ca.pem')],
      { env: viaProxy, stdin: sb.clientSecret },
    );
    expect(login.stderr).toContain('credentials verified');
    expect(login.code).toBe(0);
    expect(proxy.connects()).toEqual([target]);

    const call = await spawnCli(['call', '/v1/apac/onboarding/products', '--json'], { env: viaProxy });
    expect(withoutStoreWarning(call.stderr)).toBe('');
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout)).toHaveProperty('products');
    expect(proxy.connects()).toEqual([target, target]);
    expect(sb.log()).toContain('GET /gcb/api/v1/apac/onboarding/products 200');

    // NO_PROXY naming the host: straight to the emulator, the proxy sees nothing.
    const direct = await spawnCli(['call', '/v1/apac/onboarding/products', '--json'], { env: { ...viaProxy, NO_PROXY: 'example.com,127.0.0.1' } });
    expect(direct.code).toBe(0);
    expect(proxy.connects()).toHaveLength(2);

    // Lower-case names, and a NO_PROXY that does not name this host.
    const lower = await spawnCli(['token', '--force'], { env: { ...env, https_proxy: proxy.url, no_proxy: 'localhost,.internal.example' } });
    expect(lower.code).toBe(0);
    expect(proxy.connects()).toEqual([target, target, target]);
  });

  it('sends plain http:// requests (a loopback emulator) to HTTP_PROXY, not to HTTPS_PROXY', async () => {
    const home = await tempConfigHome();
    const sb = await sandboxProcess([], cleanEnv(home));
    const proxy = await proxyProcess();
    const creds = { CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_STORE: 'memory' };
    const res = await spawnCli(['call', '/v1/apac/onboarding/products', '--json'], { env: cleanEnv(home, { ...creds, HTTP_PROXY: proxy.url }) });
    expect(res.code).toBe(0);
    // A tunnel per connection: the token request, then the call.
    expect(proxy.connects()).toEqual([new URL(sb.url).host, new URL(sb.url).host]);

    const httpsOnly = await spawnCli(['token'], { env: cleanEnv(home, { ...creds, HTTPS_PROXY: proxy.url }) });
    expect(httpsOnly.code).toBe(0);
    expect(proxy.requests()).toHaveLength(2);
  });

  it('a proxy that needs credentials takes them from the URL; --verbose and errors never show the password', async () => {
    const home = await tempConfigHome();
    const env = cleanEnv(home);
    const sb = await sandboxProcess(['--tls'], env);
    const password = 'p@ss:w0rd/x';
    const proxy = await proxyProcess({ credentials: `me:${password}` });
    const creds = { CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_STORE: 'memory', NODE_EXTRA_CA_CERTS: sb.caFile! };
    const proxyUrl = (pw: string) => `http://me:${encodeURIComponent(pw)}@127.0.0.1:${proxy.port}`;
    const secretForms = [password, encodeURIComponent(password), Buffer.from(`me:${password}`).toString('base64')];

    const ok = await spawnCli(['--verbose', 'call', '/v1/apac/onboarding/products', '--json'], { env: { ...env, ...creds, HTTPS_PROXY: proxyUrl(password) } });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain(`* through the proxy http://me:[REDACTED]@127.0.0.1:${proxy.port}/`);
    for (const s of secretForms) expect(ok.stderr).not.toContain(s);
    expect(proxy.connects()).toHaveLength(2);

    const wrong = await spawnCli(['--verbose', 'token'], { env: { ...env, ...creds, HTTPS_PROXY: proxyUrl('not-it') } });
    expect(wrong.stderr).toContain(`The proxy http://me:[REDACTED]@127.0.0.1:${proxy.port}/ refused the request: it needs credentials (HTTP 407`);
    expect(wrong.stderr).not.toContain('not-it');
    expect(wrong.code).toBe(1);

    const gone = await spawnCli(['token'], { env: { ...env, ...creds, HTTPS_PROXY: `http://me:${encodeURIComponent(password)}@127.0.0.1:1` } });
    expect(gone.stderr).toContain('Cannot connect to the proxy http://me:[REDACTED]@127.0.0.1:1/');
    for (const s of secretForms) expect(gone.stderr).not.toContain(s);
    expect(gone.code).toBe(1);
  });

  it('a proxy setting that does not parse (a password with an unencoded #, / or ?) is refused without showing the password', async () => {
    const home = await tempConfigHome();
    const env = cleanEnv(home);
    const creds = { CITI_BASE_URL: 'http://127.0.0.1:1/gcb/api', CITI_CLIENT_ID: 'id', CITI_CLIENT_SECRET: 'secret', CITI_STORE: 'memory' };
    for (const setting of ['http://user:s3cr#t@127.0.0.1:1', 'http://user:s3/cr@t@127.0.0.1:1', 'http://user:s3?cr@127.0.0.1:1']) {
      const res = await spawnCli(['--verbose', 'call', '/v1/apac/onboarding/products'], { env: { ...env, ...creds, HTTP_PROXY: setting } });
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr).toContain('The proxy setting "http://[REDACTED]@127.0.0.1:1" is not a URL');
      for (const s of ['s3cr', 'cr@t', 's3/', 's3?']) expect(res.stderr).not.toContain(s);
    }
  });
});
