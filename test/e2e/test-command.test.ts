/**
 * `citi test` through the built binary, as CI runs it: the example suites on their own emulators,
 * reports read with real parsers (JUnit XML, TAP), captures, malformed suites, parallel runs.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { Parser as TapParser, type FinalResults } from 'tap-parser';
import { describe, expect, it } from 'vitest';
import { onCleanup, ROOT, spawnCli, tempConfigHome, testEnv, type CliResult } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';

const EXAMPLES = path.join(ROOT, 'examples', 'smoke');

interface JsonReport {
  summary: { suites: number; steps: number; passed: number; failed: number; skipped: number };
  suites: {
    file: string;
    name: string;
    status: string;
    attempts: number;
    steps: { name: string; status: string; line: number; failures: { message: string; line: number }[]; skipped?: string }[];
  }[];
}

async function rig() {
  const home = await tempConfigHome();
  const dir = path.join(home, 'suites');
  await fs.mkdir(dir);
  const env = testEnv(home, { CITI_STORE: 'file' });
  return {
    home,
    dir,
    env,
    async write(name: string, text: string): Promise<string> {
      const file = path.join(dir, name);
      await fs.writeFile(file, text);
      return file;
    },
    citi(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
      return spawnCli(['test', ...args], { env: { ...env, ...extra }, timeoutMs: 60_000 });
    },
  };
}

const PASSING = `
name: passing
sandbox: true
steps:
  - signIn: two-legged
  - name: products
    request: { path: /v1/apac/onboarding/products }
    expect:
      json:
        - { path: "$.products", type: array }
  - name: one product
    request: { path: /v1/apac/onboarding/products, query: { requestSize: 1 } }
    expect:
      status: 200
`;

// Fails at its third step (two expectations there), so its fourth step is skipped.
const FAILING = `
name: failing
sandbox: true
steps:
  - signIn: two-legged
  - name: products
    request: { path: /v1/apac/onboarding/products }
  - name: wrong expectations
    request:
      method: POST
      path: /v1/apac/rewards/linkage
      body: { lastFourDigitsCardNumber: "0000", citiCardHolderPhoneNumber: "6590020056", merchantCustomerReferenceId: REF-1 }
    expect:
      status: 200
      json:
        - path: $.code
          equals: somethingElse
  - name: never runs
    request: { path: /v1/apac/onboarding/products }
`;

function parseJunit(xml: string) {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name, _path, _leaf, isAttribute) => !isAttribute && ['testsuite', 'testcase', 'failure', 'skipped'].includes(name) });
  return parser.parse(xml) as {
    testsuites: {
      tests: string;
      failures: string;
      skipped: string;
      testsuite: { name: string; tests: string; failures: string; skipped: string; testcase: { name: string; line: string; failure?: { message: string; '#text': string }[]; skipped?: unknown[] }[] }[];
    };
  };
}

function parseTap(text: string): Promise<{ final: FinalResults; children: FinalResults[] }> {
  return new Promise((resolve) => {
    const children: FinalResults[] = [];
    const parser = new TapParser({ strict: true }, (final) => resolve({ final, children }));
    parser.on('child', (child: TapParser) => child.on('complete', (r: FinalResults) => children.push(r)));
    parser.end(text);
  });
}

describe('citi test: the example suites', () => {
  it.each(['onboarding.yml', 'pay-with-points.yml', 'accounts-transfer.yml', 'cards-easy-payment-plan.yml', 'psd2-mtls.yml'])(
    'examples/smoke/%s passes on its own emulator',
    async (file) => {
      const r = await rig();
      const res = await r.citi([path.join(EXAMPLES, file), '--reporter', 'json']);
      expect(res.stderr).not.toMatch(/FAIL/);
      expect(res.code).toBe(0);
      const report = JSON.parse(res.stdout) as JsonReport;
      expect(report.summary.suites).toBe(1);
      expect(report.summary.failed).toBe(0);
      expect(report.summary.skipped).toBe(0);
      expect(report.summary.passed).toBeGreaterThanOrEqual(3);
      expect(report.suites[0]!.steps.every((s) => s.status === 'passed')).toBe(true);
    },
  );

  it('the whole folder runs, each suite on its own emulator', async () => {
    const r = await rig();
    const res = await r.citi([EXAMPLES]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('');
    const files = (await fs.readdir(EXAMPLES)).filter((f) => f.endsWith('.yml'));
    expect(res.stderr).toMatch(new RegExp(`^${files.length} suites, \\d+ steps: \\d+ passed, 0 failed, 0 skipped`, 'm'));
  });
});

describe('citi test: reports', () => {
  it('a failing expectation exits 1, and the JUnit report has the right suites, cases, failures and skips', async () => {
    const r = await rig();
    await r.write('a-passing.yml', PASSING);
    await r.write('b-failing.yml', FAILING);
    const out = path.join(r.home, 'junit.xml');
    const res = await r.citi([r.dir, '--reporter', 'junit', '--out', out]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/error: 1 of 2 suites failed: failing/);
    const junit = parseJunit(await fs.readFile(out, 'utf8')).testsuites;
    expect(junit).toMatchObject({ tests: '7', failures: '1', skipped: '1' });
    expect(junit.testsuite.map((s) => [s.name, s.tests, s.failures, s.skipped])).toEqual([
      ['passing', '3', '0', '0'],
      ['failing', '4', '1', '1'],
    ]);
    const cases = junit.testsuite[1]!.testcase;
    expect(cases.map((c) => c.name)).toEqual(['sign in (two-legged)', 'products', 'wrong expectations', 'never runs']);
    expect(cases[2]!.line).toBe('8');
    expect(cases[2]!.failure![0]!.message).toBe('HTTP status 400, expected 200');
    // Every failed expectation is in the text, with the request and answer; the phone number in the body is not.
    expect(cases[2]!.failure![0]!['#text']).toMatch(/\$\.code does not equal the expected value\n {2}expected: "somethingElse"\n {2}actual: {3}"cardHolderNotFound"/);
    expect(cases[2]!.failure![0]!['#text']).toMatch(/request: POST http:\/\/127\.0\.0\.1:\d+\/gcb\/api\/v1\/apac\/rewards\/linkage/);
    expect(cases[2]!.failure![0]!['#text']).toMatch(/"citiCardHolderPhoneNumber":"\[REDACTED\]"/);
    expect(cases[3]!.skipped).toHaveLength(1);
    expect(cases.slice(0, 2).every((c) => !c.failure && !c.skipped)).toBe(true);
  });

  it('TAP output parses as TAP 14: a subtest per suite, the failure in YAML diagnostics', async () => {
    const r = await rig();
    await r.write('a-passing.yml', PASSING);
    await r.write('b-failing.yml', FAILING);
    const res = await r.citi([r.dir, '--reporter', 'tap']);
    expect(res.code).toBe(1);
    const { final, children } = await parseTap(res.stdout);
    expect(final.failures.filter((f) => f.tapError)).toEqual([]);
    expect(final).toMatchObject({ count: 2, pass: 1, fail: 1, ok: false });
    expect(children.map((c) => [c.count, c.pass, c.fail, c.skip])).toEqual([
      [3, 3, 0, 0],
      [4, 3, 1, 1],
    ]);
    const failed = children[1]!.failures[0]!;
    expect(failed.name).toBe('wrong expectations');
    expect(failed.diag).toMatchObject({ message: 'HTTP status 400, expected 200', at: { line: 14 }, expected: 200, actual: 400 });
  });

  it('no secret in any report or on the terminal: tokens, the client secret and personal data are replaced', async () => {
    const r = await rig();
    await r.write('b-failing.yml', FAILING);
    const outputs: string[] = [];
    for (const reporter of ['pretty', 'junit', 'tap', 'json']) {
      const res = await r.citi([r.dir, '--reporter', reporter, '--verbose']);
      expect(res.code).toBe(1);
      outputs.push(res.stdout, res.stderr);
    }
    const all = outputs.join('\n');
    expect(all).toMatch(/\[REDACTED\]/);
    expect(all).not.toMatch(/AAIk[A-Za-z0-9_-]{20,}/);
    expect(all).not.toContain('sandbox-secret');
    expect(all).not.toContain('6590020056');
  });

  it('with GITHUB_ACTIONS set, each failure is also a workflow annotation on its line', async () => {
    const r = await rig();
    const file = await r.write('b-failing.yml', FAILING);
    const res = await r.citi([file, '--reporter', 'junit', '--out', path.join(r.home, 'j.xml')], { GITHUB_ACTIONS: 'true' });
    expect(res.code).toBe(1);
    expect(res.stdout.trim().split('\n')).toEqual([
      `::error file=${file},line=14,col=1,title=failing › wrong expectations::HTTP status 400, expected 200`,
      `::error file=${file},line=16,col=1,title=failing › wrong expectations::$.code does not equal the expected value`,
    ]);
    // Without it, none.
    const plain = await r.citi([file, '--reporter', 'junit', '--out', path.join(r.home, 'j.xml')]);
    expect(plain.stdout).toBe('');
  });

  it('off a terminal: plain lines, the failed expectation with a diff, the request and the answer', async () => {
    const r = await rig();
    const file = await r.write(
      'diff.yml',
      `
sandbox: true
steps:
  - request: { path: /v1/apac/onboarding/products, query: { requestSize: 1 } }
    expect:
      json:
        - path: $.products[0]
          equals: { productCode: VC830, productDescription: Citi Rewards Card, productType: CREDIT_CARD, sourceCode: WW5ARCE1 }
`,
    );
    const res = await r.citi([file]);
    expect(res.code).toBe(1);
    expect(res.stderr).not.toMatch(/\x1b\[/);
    const lines = res.stderr.split('\n');
    expect(lines[0]).toMatch(/^FAIL diff › GET \/v1\/apac\/onboarding\/products \(\d+ ms\)$/);
    expect(res.stderr).toContain(`${file}:7: $.products[0] does not equal the expected value`);
    expect(lines).toContain('       -   "productDescription": "Citi Rewards Card",');
    expect(lines).toContain('       +   "productDescription": "Citi PremierMiles Card",');
    expect(res.stderr).toMatch(/request: GET http:\/\/127\.0\.0\.1:\d+\/gcb\/api\/v1\/apac\/onboarding\/products\?requestSize=1\n\s+authorization: Bearer \[REDACTED\]/);
    expect(res.stderr).toMatch(/answer: HTTP 200 \(\d+ ms\)\n\s+\{"products":\[\{"productCode":"VC830"/);
  });
});

describe('citi test: captures, suite files and options', () => {
  it('a capture is carried across three steps', async () => {
    const r = await rig();
    const file = await r.write(
      'capture.yml',
      `
sandbox: true
steps:
  - name: link card 4417
    request:
      path: /v1/apac/rewards/linkage
      body: { lastFourDigitsCardNumber: "4417", citiCardHolderPhoneNumber: "85291234567", merchantCustomerReferenceId: REF-9 }
    capture: { code: $.rewardLinkCode }
  - name: activate the link
    request:
      method: PUT
      path: "/v1/apac/rewards/{{code}}/activations"
      body: { linkageConfirmationCode: "735937" }
    capture: { linked: $.rewardLinkCode }
  - name: its balance
    request: { path: "/v1/apac/rewards/{{linked}}/pointBalance" }
    expect:
      json:
        - { path: "$.currencyCode", equals: HKD }
        - { path: "$.availablePointBalance", type: integer }
`,
    );
    const res = await r.citi([file, '--reporter', 'json']);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.suites[0]!.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed']);

    // A variable nobody captured fails the step that uses it, by name.
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('capture: { linked: $.rewardLinkCode }', 'capture: { other: $.rewardLinkCode }'));
    const missing = await r.citi([file, '--reporter', 'json']);
    expect(missing.code).toBe(1);
    const step = (JSON.parse(missing.stdout) as JsonReport).suites[0]!.steps[2]!;
    expect(step.failures[0]!.message).toMatch(/no variable "linked"/);
  });

  it("schema: true checks a 2xx answer against Citi's published response schema, naming the misfit", async () => {
    const r = await rig();
    // A server answering the products endpoint with the wrong shape.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ products: 'none', nextStartIndex: 1 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const wrong = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gcb/api`;
    const suite = (target: string, auth: string) => `${target}
steps:
  - request: { path: /v1/apac/onboarding/products, auth: ${auth} }
    expect:
      schema: true
`;
    const ok = await r.citi([await r.write('right.yml', suite('sandbox: true', 'two-legged')), '--reporter', 'json']);
    expect(ok.stderr).not.toMatch(/^FAIL/m);
    expect(ok.code).toBe(0);
    const bad = await r.citi([await r.write('wrong.yml', suite('', 'none')), '--reporter', 'json'], { CITI_BASE_URL: wrong, CITI_CLIENT_ID: 'id', CITI_CLIENT_SECRET: 's' });
    expect(bad.code).toBe(1);
    const messages = (JSON.parse(bad.stdout) as JsonReport).suites[0]!.steps[0]!.failures.map((f) => f.message);
    expect(messages).toContain("the answer does not fit Citi's published schema for GET /v1/apac/onboarding/products: products must be array");
  });

  it("a password sign-in: a customer's calls take its token; a wrong password fails the step; no password is printed", async () => {
    const r = await rig();
    const file = await r.write(
      'password.yml',
      `
sandbox: true
steps:
  - signIn: { flow: password, username: SandboxUser2, password: "{{env.SMOKE_PASSWORD}}" }
    capture: { who: $.username }
  - request: { path: /v1/accounts }
    expect:
      json:
        - { path: "$.accountGroupSummary", type: array }
  - request: { path: /v1/customers/profiles }
`,
    );
    const ok = await r.citi([file, '--reporter', 'json', '--verbose'], { SMOKE_PASSWORD: 'P@ssUser1$' });
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as JsonReport).summary).toMatchObject({ passed: 3, failed: 0 });
    expect(ok.stdout + ok.stderr).not.toContain('P@ssUser1$');

    const wrong = await r.citi([file, '--reporter', 'tap', '--verbose'], { SMOKE_PASSWORD: 'wrong-Pa55word' });
    expect(wrong.code).toBe(1);
    const { children } = await parseTap(wrong.stdout);
    expect(children[0]!.failures[0]!.diag).toMatchObject({ message: expect.stringMatching(/^Signing in SandboxUser2 by the password grant.*401/) });
    expect(wrong.stdout + wrong.stderr).not.toContain('wrong-Pa55word');
  });

  it('a three-legged sign-in on an emulator without auto-consent fails at once, saying so, instead of waiting out its timeout', async () => {
    const r = await rig();
    const sb = await sandboxProcess([], r.env);
    const login = await spawnCli(['login', '--base-url', sb.url, '--client-id', sb.clientId, '--client-secret-stdin'], { env: r.env, stdin: sb.clientSecret });
    expect(login.code, login.stderr).toBe(0);
    const file = await r.write('three-legged.yml', 'steps:\n  - signIn: three-legged\n  - request: { path: /v1/accounts }\n');
    // Well inside the 15 s the step would wait for a redirect that cannot come.
    const res = await spawnCli(['test', file, '--reporter', 'json'], { env: r.env, timeoutMs: 12_000 });
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as JsonReport;
    expect(report.suites[0]!.steps[0]!.failures[0]!.message).toContain('the emulator must run with --auto-consent');
    expect(report.summary).toMatchObject({ passed: 0, failed: 1 });
  });

  it('a malformed suite exits 2 naming file, line and column, and runs nothing', async () => {
    const r = await rig();
    const good = await r.write('a-good.yml', PASSING);
    const badYaml = await r.write('b-bad-yaml.yml', 'name: x\nsteps:\n  - request: { path: /v1/x\n  - name: y\n');
    let res = await r.citi([good, badYaml, '--reporter', 'json']);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(new RegExp(`^error: ${badYaml.replaceAll('.', '\\.')}:\\d+:\\d+: `, 'm'));

    const badKey = await r.write('c-bad-key.yml', 'sandbox: true\nsteps:\n  - request:\n      path: /v1/apac/onboarding/products\n      methd: GET\n');
    res = await r.citi([badKey]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`error: ${badKey}:5:7: steps.0.request: unknown key "methd"`);

    const badType = await r.write('d-bad-type.yml', 'sandbox: true\nsteps:\n  - signIn: { flow: card, last4: "8653" }\n');
    res = await r.citi([badType]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`error: ${badType}:3:13: steps.0.signIn: "phone" is required`);

    const badPath = await r.write('e-bad-path.yml', 'sandbox: true\nsteps:\n  - request: { path: /v1/x }\n    capture:\n      a: $.b[\n');
    res = await r.citi([badPath]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(new RegExp(`error: ${badPath.replaceAll('.', '\\.')}:5:10: capture a: not a JSONPath`));
  });

  it('--parallel 4 gives the same results as --parallel 1', async () => {
    const r = await rig();
    for (const f of await fs.readdir(EXAMPLES)) await fs.copyFile(path.join(EXAMPLES, f), path.join(r.dir, f));
    await r.write('x-failing.yml', FAILING);
    await r.write('y-failing-too.yml', FAILING.replace('name: failing', 'name: failing too'));
    const run = async (n: string) => {
      const res = await r.citi([r.dir, '--reporter', 'json', '--parallel', n]);
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout) as JsonReport;
      const { durationMs: _ms, ...summary } = report.summary as JsonReport['summary'] & { durationMs: number };
      return {
        summary,
        suites: report.suites.map((s) => ({ name: s.name, status: s.status, steps: s.steps.map((x) => [x.name, x.status, x.failures.map((f) => f.message)]) })),
      };
    };
    const one = await run('1');
    expect(one.summary.suites).toBe(7);
    expect(one.summary.failed).toBe(2);
    expect(await run('4')).toEqual(one);
  });

  it('--bail skips what is left, --retries runs a failing suite again, --grep picks suites', async () => {
    const r = await rig();
    await r.write('a-failing.yml', FAILING);
    await r.write('b-passing.yml', PASSING);
    const bail = JSON.parse((await r.citi([r.dir, '--reporter', 'json', '--bail'])).stdout) as JsonReport;
    expect(bail.suites.map((s) => s.status)).toEqual(['failed', 'skipped']);
    expect(bail.suites[1]!.steps.every((s) => s.skipped === 'stopped by --bail')).toBe(true);

    const retried = await r.citi([r.dir, '--reporter', 'json', '--retries', '2']);
    expect(retried.code).toBe(1);
    expect((JSON.parse(retried.stdout) as JsonReport).suites.map((s) => [s.name, s.attempts])).toEqual([
      ['failing', 3],
      ['passing', 1],
    ]);
    expect(retried.stderr.match(/^retry \d: failing$/gm)).toEqual(['retry 1: failing', 'retry 2: failing']);

    const grep = await r.citi([r.dir, '--reporter', 'json', '--grep', 'PASS']);
    expect(grep.code).toBe(0);
    expect((JSON.parse(grep.stdout) as JsonReport).suites.map((s) => s.name)).toEqual(['passing']);
    expect((await r.citi([r.dir, '--grep', 'nothing-like-it'])).code).toBe(2);
    expect((await r.citi([r.dir, '--parallel', '0'])).code).toBe(2);
    // An unknown profile is found before anything runs.
    const unknown = await r.citi([r.dir, '--profile', 'nope', '--reporter', 'json']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('error: Unknown profile "nope"');
  });
});
