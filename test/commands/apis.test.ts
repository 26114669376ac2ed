/** `citi apis`, `citi apis show` and `citi call --validate`, as the built binary, over real HTTP. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { onCleanup, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { loadedSources, TRACE_LOADS } from '../helpers/loads.js';
import { sandbox } from '../helpers/sandbox.js';

async function env(extra: NodeJS.ProcessEnv = {}) {
  return testEnv(await tempConfigHome(), extra);
}

describe('citi apis', () => {
  it('lists at least 100 endpoints as JSON, each with a token kind and scope', async () => {
    const res = await spawnCli(['apis', '--json'], { env: await env() });
    expect(res.code).toBe(0);
    const list = JSON.parse(res.stdout) as { method: string; path: string; product: string; markets: string[]; kind: string; scope: string; summary: string }[];
    expect(list.length).toBeGreaterThanOrEqual(100);
    for (const e of list) {
      expect(Object.keys(e).sort()).toEqual(['kind', 'markets', 'method', 'path', 'product', 'scope', 'summary']);
      expect(['two-legged', 'three-legged', 'card']).toContain(e.kind);
      expect(e.scope).toBeTruthy();
    }
    expect(list).toContainEqual(expect.objectContaining({ method: 'GET', path: '/v1/accounts/{accountId}', kind: 'three-legged', scope: 'accounts_details_transactions' }));
  });

  it('filters by text, market, product and kind; one endpoint a line when piped', async () => {
    const e = await env();
    const payees = await spawnCli(['apis', 'payee', '--market', 'gb', '--product', 'payees'], { env: e });
    expect(payees.code).toBe(0);
    const [header, ...lines] = payees.stdout.trim().split('\n');
    expect(header).toBe('method\tpath\tkind\tscope\tproduct\tmarkets\tsummary');
    expect(lines).toContain('GET\t/v1/moneyMovement/payees\tthree-legged\tpayees\tPayees\tAU,GB\tRetrieve Payee List');
    for (const l of lines) expect(l.split('\t')[4]).toBe('Payees');
    expect(payees.stderr).toMatch(/^\d+ of \d+ endpoints/m);
    const cards = JSON.parse((await spawnCli(['apis', '--kind', 'card', '--json'], { env: e })).stdout) as { kind: string; path: string }[];
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.every((c) => c.kind === 'card' && c.path.startsWith('/v1/creditCards/{cardId}/'))).toBe(true);
    const none = await spawnCli(['apis', '--product', 'Mortgages'], { env: e });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('No API product "Mortgages"');
  });

  it('shows one endpoint: parameters, token, an example body and the answer fields', async () => {
    const e = await env();
    const res = await spawnCli(['apis', 'show', 'post', '/v1/moneyMovement/personalDomesticTransfers/preprocess'], { env: e });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Token:    three-legged');
    expect(res.stdout).toContain('Scope:    personal_domestic_transfers');
    expect(res.stdout).toContain('"sourceAccountId":');
    expect(res.stdout).toMatch(/^ {2}controlFlowId {2}string, required/m);
    // A concrete path finds its template.
    const concrete = await spawnCli(['apis', 'show', 'GET', '/v1/accounts/SAV123/transactions', '--json'], { env: e });
    const shown = JSON.parse(concrete.stdout) as { path: string; parameters: { name: string; in: string }[] };
    expect(shown.path).toBe('/v1/accounts/{accountId}/transactions');
    expect(shown.parameters).toContainEqual(expect.objectContaining({ name: 'accountId', in: 'path' }));
    const unknown = await spawnCli(['apis', 'show', 'DELETE', '/v1/accounts'], { env: e });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('The catalogue has GET /v1/accounts');
  });

  it('start-up: --help, apis and a plain call load neither the schemas nor ajv; apis show and call --validate load both', async () => {
    const dir = await tempConfigHome();
    let n = 0;
    /** The modules `citi ARGS` loaded that belong to the schemas or ajv; and all it loaded. */
    const run = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
      const file = path.join(dir, `trace-${n++}.txt`);
      const res = await spawnCli(args, { env: await env({ ...extra, NODE_OPTIONS: TRACE_LOADS, TRACE_LOADS_FILE: file }) });
      expect(res.code, res.stderr).toBe(0);
      const all = await loadedSources(file);
      return { all, heavy: all.filter((u) => /catalogue-schemas|^node_modules\/ajv\//.test(u)) };
    };
    const help = await run(['--help']);
    expect(help.all).toContain('bin/citi.js'); // the trace works
    expect(help.all).toContain('node_modules/commander/lib/command.js'); // and sees into the bundles
    expect(help.heavy).toEqual([]);
    expect((await run(['apis', '--json'])).heavy).toEqual([]);
    const show = await run(['apis', 'show', 'GET', '/v1/accounts']);
    expect(show.heavy.some((u) => u.includes('catalogue-schemas'))).toBe(true);
    expect(show.heavy.some((u) => u.startsWith('node_modules/ajv/'))).toBe(true);
    // A call against the emulator: the index of paths only, unless asked to validate.
    const s = await sandbox();
    const creds = { CITI_BASE_URL: s.url, CITI_CLIENT_ID: s.clientId, CITI_CLIENT_SECRET: s.clientSecret, CITI_STORE: 'memory' };
    const plain = await run(['call', 'GET', '/v1/apac/onboarding/products'], creds);
    expect(plain.all.some((u) => u.includes('catalogue-index'))).toBe(true);
    expect(plain.heavy).toEqual([]);
    const validated = await run(['call', '--validate', 'GET', '/v1/apac/onboarding/products'], creds);
    expect(validated.heavy.some((u) => u.includes('catalogue-schemas'))).toBe(true);
    expect(validated.heavy.some((u) => u.startsWith('node_modules/ajv/'))).toBe(true);
  });
});

describe('citi call and the catalogue', () => {
  it('takes the kind of token from the matched template: two-legged answered, three-legged needs a sign-in', async () => {
    const s = await sandbox();
    const e = await env({ CITI_BASE_URL: s.url, CITI_CLIENT_ID: s.clientId, CITI_CLIENT_SECRET: s.clientSecret, CITI_STORE: 'memory' });
    // A newly catalogued two-legged endpoint: a client-credentials token, and the emulator's generic answer.
    const ref = await spawnCli(['call', 'GET', '/v1/utilities/referenceData/paymentType', '--json', '--validate'], { env: e });
    expect(ref.code, ref.stderr).toBe(0);
    expect(JSON.parse(ref.stdout)).toMatchObject({ referenceCode: 'paymentType' });
    // The payee list is a customer's: without a terminal no sign-in can start, so exit 3 at once.
    const payees = await spawnCli(['call', 'GET', '/v1/moneyMovement/payees/PAY1'], { env: e });
    expect(payees.code).toBe(3);
    expect(payees.stderr).toMatch(/three-legged|sign in/i);
  });
});

/** A stand-in for Citi: a token for anyone, and a point balance of the shape it is told. */
async function fakeCiti(balance: unknown, others: Record<string, { status: number; body?: unknown }> = {}): Promise<string> {
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/gcb/api/clientCredentials/oauth2/token/')) {
      res.end(JSON.stringify({ token_type: 'Bearer', access_token: 'AAIkTEST', expires_in: 1800, consented_on: 1, scope: '/api' }));
    } else if (req.url === '/gcb/api/v1/apac/rewards/RLC1/pointBalance') {
      res.end(JSON.stringify(balance));
    } else if (others[`${req.method} ${req.url}`]) {
      const answer = others[`${req.method} ${req.url}`]!;
      res.statusCode = answer.status;
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ type: 'error', code: 'resourceNotFound', details: 'no' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/gcb/api`;
}

describe('citi call --validate', () => {
  const creds = (url: string) => ({ CITI_BASE_URL: url, CITI_CLIENT_ID: 'id', CITI_CLIENT_SECRET: 'secret', CITI_STORE: 'memory', CITI_COUNTRY: 'sg' });

  it('fails (exit 1) naming the fields of an answer that breaks the published schema', async () => {
    const url = await fakeCiti({ availablePointBalance: 'lots', programConversionRate: 0.004 });
    const res = await spawnCli(['call', '--validate', '/v1/apac/rewards/RLC1/pointBalance'], { env: await env(creds(url)) });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("does not match Citi's published schema for GET /v1/apac/rewards/{rewardLinkCode}/pointBalance");
    expect(res.stderr).toContain('availablePointBalance must be number');
    expect(res.stderr).toContain('currencyCode is required');
  });

  it('passes (exit 0) on an answer of the published shape', async () => {
    const url = await fakeCiti({ availablePointBalance: 12000, currencyCode: 'SGD', programConversionRate: 0.004 });
    const res = await spawnCli(['call', '--validate', '/v1/apac/rewards/RLC1/pointBalance', '--json'], { env: await env(creds(url)) });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ availablePointBalance: 12000 });
    expect(res.stderr).toContain("✓ The answer matches Citi's published schema for GET /v1/apac/rewards/{rewardLinkCode}/pointBalance");
  });

  it('an endpoint with no published answer schema: an empty answer fits; a body cannot be checked (exit 2, nothing claimed)', async () => {
    const url = await fakeCiti(null, {
      'PUT /gcb/api/v1/prelogin/cards/C1/activations': { status: 204 },
      'PUT /gcb/api/v1/prelogin/cards/atmPin/change': { status: 200, body: { status: 'done' } },
    });
    const e = await env(creds(url));
    const empty = await spawnCli(['call', '--validate', 'PUT', '/v1/prelogin/cards/C1/activations', '-d', '{}'], { env: e });
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stderr).toContain('✓ The answer is empty, as Citi publishes for PUT /v1/prelogin/cards/{cardId}/activations');
    const body = await spawnCli(['call', '--validate', 'PUT', '/v1/prelogin/cards/atmPin/change', '-d', '{}'], { env: e });
    expect(body.code).toBe(2);
    expect(body.stderr).toContain('no published answer schema for PUT /v1/prelogin/cards/atmPin/change: nothing checked');
    expect(body.stderr).not.toContain('✓');
  });

  it("passes against the emulator, and refuses a path the catalogue does not know (exit 2)", async () => {
    const s = await sandbox();
    const e = await env({ CITI_BASE_URL: s.url, CITI_CLIENT_ID: s.clientId, CITI_CLIENT_SECRET: s.clientSecret, CITI_STORE: 'memory' });
    const ok = await spawnCli(['call', '--validate', 'GET', '/v1/apac/onboarding/products'], { env: e });
    expect(ok.stderr).toContain('✓ The answer matches');
    expect(ok.code).toBe(0);
    const unknown = await spawnCli(['call', '--validate', '/v1/nothing/here'], { env: e });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--validate: GET /v1/nothing/here is not in the API catalogue');
  });
});
