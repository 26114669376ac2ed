/**
 * `citi test` at a real terminal (tmux): the live line (suite, step, elapsed) while a step runs,
 * then the finished steps and a failure's diff. And `citi test` with a profile against
 * `citi sandbox start` in another process: sign-ins as CI runs them, the OTP from CITI_OTP.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, onCleanup, ROOT, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandboxProcess } from '../helpers/sandbox.js';
import { requireTmux, terminal } from '../helpers/tmux.js';

const hasTmux = await requireTmux();

/** A server whose one API answers after `delayMs`: long enough to see the live line. */
async function slowServer(delayMs: number): Promise<string> {
  const server = http.createServer((req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'DONE', items: [1, 2, 3] }));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/gcb/api`;
}

describe.skipIf(!hasTmux)('citi test at a terminal (tmux)', () => {
  it('shows the running step with its elapsed time, then each result, and a failure with its diff', async () => {
    const home = await tempConfigHome();
    const url = await slowServer(2500);
    const file = path.join(home, 'slow.yml');
    await fs.writeFile(
      file,
      `name: slow
steps:
  - name: wait for it
    request: { path: /v1/slow, auth: none }
    expect:
      json:
        - { path: "$.status", equals: DONE }
  - name: count the items
    request: { path: /v1/slow, auth: none }
    expect:
      json:
        - { path: "$.items", equals: [1, 2, 4] }
`,
    );
    const env = testEnv(home, { CITI_BASE_URL: url, CITI_CLIENT_ID: 'id', CITI_CLIENT_SECRET: 'secret', CITI_STORE: 'file' });
    delete env.CI;
    const t = await terminal([process.execPath, BIN, 'test', file], env, ROOT);
    // While the first call waits: the live line names the suite, the step and the time so far.
    await t.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow › wait for it \d+ ms/);
    await t.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] slow › wait for it [12]\.\d s/);
    await t.waitFor(/^ok {3}slow › wait for it \(\d+\.\d s\)$/m, 20_000);
    expect(await t.exitCode(20_000)).toBe(1);
    const screen = await t.screen();
    expect(screen).toMatch(/^FAIL slow › count the items \(\d+\.\d s\)$/m);
    expect(screen).toContain('$.items does not equal the expected value');
    expect(screen).toMatch(/^\s+- {3}4$/m);
    expect(screen).toMatch(/^\s+\+ {3}3$/m);
    expect(screen).toMatch(/^1 suite, 2 steps: 1 passed, 1 failed, 0 skipped/m);
    // The live line is gone once everything has finished.
    expect(screen).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
  });
});

describe('citi test with a profile against citi sandbox start', () => {
  it('two-legged, card enroll with the OTP from CITI_OTP, activation, three-legged with auto-consent, calls', async () => {
    const home = await tempConfigHome();
    const sb = await sandboxProcess(['--auto-consent'], testEnv(home));
    const file = path.join(home, 'profile.yml');
    await fs.writeFile(
      file,
      `name: against a running emulator
steps:
  - signIn: two-legged
  - request: { path: /v1/apac/onboarding/products }
  - name: card
    signIn: { flow: card, last4: "4417", phone: "85291234567", country: hk, activate: true }
    capture: { cardId: $.cardId }
  - request: { path: "/v1/creditCards/{{cardId}}/transactions/eligibility/easyPaymentPlan", card: "{{cardId}}" }
    expect:
      json:
        - { path: "$.easyPaymentPlan", type: array }
  - signIn: three-legged
  - request: { path: /v1/accounts }
    expect:
      json:
        - { path: "$.accountGroupSummary", exists: true }
  - name: the customer from CITI_USERNAME and CITI_PASSWORD
    signIn: password
    capture: { who: $.username }
  - request: { path: /v1/moneyMovement/personalDomesticTransfers/destinationAccounts/sourceAccounts }
    expect:
      json:
        - { path: "$.sourceAccounts", type: array }
`,
    );
    const env = testEnv(home, { CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_STORE: 'file', CITI_OTP: '987654', CITI_USERNAME: 'SandboxUser3', CITI_PASSWORD: 'P@ssUser1$' });
    const res = await spawnCli(['test', file, '--reporter', 'json'], { env, timeoutMs: 60_000 });
    expect(res.stderr).not.toMatch(/^FAIL/m);
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { summary: { passed: number; failed: number } };
    expect(report.summary).toMatchObject({ passed: 8, failed: 0 });
    // The OTP went to the emulator (as the card holder typed it); the emulator's own one was not used.
    expect(sb.log()).toMatch(/OTP \d{6} sent to \*+4567/);
    expect(res.stdout + res.stderr).not.toContain('987654');
    expect(res.stdout + res.stderr).not.toContain('P@ssUser1$');

    // Without CITI_OTP and not on its own emulator, the card sign-in says where the OTP comes from.
    const { CITI_OTP: _otp, ...noOtp } = env;
    const missing = await spawnCli(['test', file, '--reporter', 'json'], { env: noOtp, timeoutMs: 60_000 });
    expect(missing.code).toBe(1);
    const steps = (JSON.parse(missing.stdout) as { suites: { steps: { status: string; failures: { message: string }[] }[] }[] }).suites[0]!.steps;
    expect(steps.map((s) => s.status)).toEqual(['passed', 'passed', 'failed', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(steps[2]!.failures[0]!.message).toMatch(/needs the OTP: set CITI_OTP/);
  });
});
