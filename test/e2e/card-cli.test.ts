/**
 * `citi card ...` as CI runs it: the built binary, no terminal, against `citi sandbox start` in a
 * child process, card tokens in the real keychain (a private Secret Service under with-keyring), or
 * in the file store where no Secret Service is reachable.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tokenOwner, TokenStore, type TokenMap } from '../../src/store/tokens.js';
import { BIN, onCleanup, spawnCli, tempConfigHome, testEnv, type CliResult, withoutStoreWarning } from '../helpers/cli.js';
import { requireSecretService, storeForTests } from '../helpers/keychain.js';
import { sandboxProcess, type SandboxProcess } from '../helpers/sandbox.js';

const available = await requireSecretService();

const ENROLL = ['card', 'enroll', '--last4', '8653', '--phone', '6590020056'];
const EPP = '/v1/creditCards/CARD-8653-0001/transactions/eligibility/easyPaymentPlan';

interface Rig {
  sb: SandboxProcess;
  env: NodeJS.ProcessEnv;
  profile: string;
  citi(args: string[], stdin?: string): Promise<CliResult>;
  /** The card tokens this profile holds in its store. */
  stored(): Promise<TokenMap>;
}

async function rig(sandboxArgs: string[] = []): Promise<Rig> {
  const home = await tempConfigHome();
  const sb = await sandboxProcess(sandboxArgs, testEnv(home));
  const profile = `card-e2e-${randomUUID()}`;
  const { store, env: storeEnv } = storeForTests(available, home);
  const env = testEnv(home, { CITI_BASE_URL: sb.url, CITI_CLIENT_ID: sb.clientId, CITI_CLIENT_SECRET: sb.clientSecret, CITI_PROFILE: profile, ...storeEnv });
  // Environment credentials: the tokens belong to the identity, not to the profile name.
  const owner = tokenOwner({ name: profile, baseUrl: sb.url, clientId: sb.clientId, country: 'sg', business: 'gcb', envIdentity: true });
  const tokens = new TokenStore(store, owner, path.join(home, 'citi-sandbox', 'locks'));
  onCleanup(async () => void (await tokens.clear()));
  return {
    sb,
    env,
    profile,
    citi: (args, stdin) => spawnCli(args, { env, ...(stdin !== undefined ? { stdin } : {}) }),
    stored: () => tokens.all(),
  };
}

/** OTP lines the emulator logged ("sent" to the phone), oldest first. */
function sentOtps(sb: SandboxProcess): string[] {
  return [...sb.log().matchAll(/OTP (\d{6}) sent to \*+0056/g)].map((m) => m[1]!);
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Runs the binary with stdin left open: `feed` is called once the emulator has "sent" a new OTP,
 * and what it returns (after its own delay) is written to stdin. This is how a CI script pipes in an
 * OTP it receives only after the enrollment started.
 */
function enrollFeedingStdin(r: Rig, args: string[], feed: (otp: string) => Promise<string>): Promise<CliResult> {
  const before = sentOtps(r.sb).length;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: r.env, stdio: ['pipe', 'pipe', 'pipe'] });
    onCleanup(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += String(c)));
    child.stderr.on('data', (c) => (stderr += String(c)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    until('the emulator to send an OTP', () => sentOtps(r.sb)[before])
      .then(feed)
      .then((text) => child.stdin.end(text))
      .catch(reject);
  });
}

describe('citi card (built binary, emulator process, keychain or file store)', () => {
  it('enrolls with --otp-stdin (the OTP piped in after it was sent), activates, calls Easy Payment Plan, revokes', async () => {
    const r = await rig();
    const enrolled = await enrollFeedingStdin(r, [...ENROLL, '--country', 'hk', '--otp-stdin', '--merchant-ref', 'CB072000128065'], async (otp) => otp + '\n');
    expect(enrolled.stderr).toContain("An OTP was sent to the card holder's phone ******0056.");
    expect(enrolled.stderr).toContain('✓ Card XXXX-XXXX-XXXX-8653 enrolled as CARD-8653-0001 (scope epp_booking)');
    expect(enrolled).toMatchObject({ code: 0, stdout: 'CARD-8653-0001\n' });
    expect(r.sb.log()).toMatch(/POST \/gcb\/api\/cardAuth\/oauth2\/authorize\/HK\/gcb 403/);
    expect(r.sb.log()).toMatch(/POST \/gcb\/api\/cardAuth\/oauth2\/token\/HK\/gcb 200/);

    const record = (await r.stored())['card:CARD-8653-0001']!;
    expect(record).toMatchObject({ kind: 'card', cardId: 'CARD-8653-0001', scope: 'epp_booking', meta: { country: 'hk', status: 'ENROLLED', maskedNumber: 'XXXX-XXXX-XXXX-8653' } });
    expect(record.accessToken).toMatch(/^AAIk/);
    expect(record.refreshToken).toMatch(/^RRIk/);

    // Not activated yet: the card API refuses the token.
    const early = await r.citi(['call', '--card', 'CARD-8653-0001', 'GET', EPP]);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('error: HTTP 403 cardNotActivated: The card token is not activated for card CARD-8653-0001');

    const act = await r.citi(['card', 'activate', '--json']);
    expect(act.code).toBe(0);
    expect(JSON.parse(act.stdout)).toEqual({ cardId: 'CARD-8653-0001', status: 'ACTIVE' });
    expect(r.sb.log()).toMatch(/POST \/gcb\/api\/cardAuth\/oauth2\/activate\/HK\/gcb 200/);

    const call = await r.citi(['call', '--card', 'CARD-8653-0001', 'GET', EPP, '--json']);
    expect(call.code).toBe(0);
    const plans = JSON.parse(call.stdout) as { cardId: string; easyPaymentPlan: { tenor: string }[] };
    expect(plans.cardId).toBe('CARD-8653-0001');
    expect(plans.easyPaymentPlan.map((p) => p.tenor)).toEqual(['3', '6', '12', '24']);

    const list = await r.citi(['card', 'list', '--json']);
    const cards = JSON.parse(list.stdout) as Record<string, unknown>[];
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ cardId: 'CARD-8653-0001', maskedNumber: 'XXXX-XXXX-XXXX-8653', status: 'ACTIVE', scope: 'epp_booking', country: 'hk' });
    expect(list.stdout).not.toContain(record.accessToken);
    expect(list.stdout).not.toContain(record.refreshToken!);
    const table = await r.citi(['card', 'list']);
    expect(table.stdout).toMatch(/^CARD-8653-0001\tXXXX-XXXX-XXXX-8653\tACTIVE\tepp_booking\tin 29m \d+s/m);

    const revoke = await r.citi(['revoke', '--card', 'CARD-8653-0001']);
    expect(revoke).toMatchObject({ code: 0, stdout: '' });
    expect(revoke.stderr).toContain('✓ Revoked card token (CARD-8653-0001) at the server and forgot it');
    const unknown = await r.citi(['revoke', '--card', 'CARD-NOPE']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error: No card token is stored for CARD-NOPE');
    expect(r.sb.log()).toMatch(/POST \/gcb\/api\/cardAuth\/oauth2\/revoke 200/);
    expect(await r.stored()).toEqual({});
    const after = await r.citi(['call', '--card', 'CARD-8653-0001', 'GET', EPP]);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('error: No card token for card CARD-8653-0001');
  });

  it('takes the OTP from CITI_OTP, and refreshes an expired card token by itself (rotating the pair)', async () => {
    const r = await rig(['--access-ttl', '2s']);
    const enrolled = await spawnCli([...ENROLL, '--json'], { env: { ...r.env, CITI_OTP: '987654' } });
    expect(enrolled.code).toBe(0);
    expect(JSON.parse(enrolled.stdout)).toMatchObject({ cardId: 'CARD-8653-0001', status: 'ENROLLED', country: 'sg' });
    expect((await r.citi(['card', 'activate'])).code).toBe(0);
    const before = (await r.stored())['card:CARD-8653-0001']!;
    await new Promise((res) => setTimeout(res, 2100));
    const call = await r.citi(['--verbose', 'call', '--card', 'CARD-8653-0001', 'GET', EPP, '--json']);
    expect(call.code).toBe(0);
    expect(call.stderr).toMatch(/> POST http:\/\/127\.0\.0\.1:\d+\/gcb\/api\/cardAuth\/oauth2\/refresh/);
    const after = (await r.stored())['card:CARD-8653-0001']!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.meta?.status).toBe('ACTIVE');
  });

  it('fails at once without a terminal and without an OTP (exit 2), before contacting the server', async () => {
    const r = await rig();
    const started = Date.now();
    const res = await r.citi(ENROLL);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(res.code).toBe(2);
    expect(withoutStoreWarning(res.stderr)).toBe(
      'error: No OTP given and no terminal to ask for it\n  Pipe it to --otp-stdin, set CITI_OTP, or give --otp CODE (on the emulator, 987654 is always accepted).\n',
    );
    expect(r.sb.log()).not.toContain('cardAuth');
  });

  it('refuses an OTP that is not six digits before sending it (exit 2)', async () => {
    const r = await rig();
    const res = await r.citi([...ENROLL, '--otp', '12345']);
    expect(res.code).toBe(2);
    expect(withoutStoreWarning(res.stderr)).toBe('error: --otp must be the six-digit OTP\n');
    const piped = await r.citi([...ENROLL, '--otp-stdin'], 'abcdef\n');
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('error: --otp-stdin: stdin is not a six-digit OTP');
    expect(r.sb.log()).not.toContain('cardAuth/oauth2/token');
  });

  it('reports an unknown card holder with exit 3', async () => {
    const r = await rig();
    const res = await r.citi(['card', 'enroll', '--last4', '8653', '--phone', '6500000000', '--otp-stdin'], '987654\n');
    expect(res.code).toBe(3);
    expect(withoutStoreWarning(res.stderr)).toBe(
      'error: Card enrollment failed: No card holder matches these card details (HTTP 400)\n' +
        "  Check --last4 and --phone: they must be the card holder's as Citi has them (the emulator knows 8653 with 6590020056).\n",
    );
    expect(await r.stored()).toEqual({});
  });

  it('reports a wrong piped OTP with exit 3 (one try: the same OTP would fail again)', async () => {
    const r = await rig();
    const res = await enrollFeedingStdin(r, [...ENROLL, '--otp-stdin'], async (otp) => (otp === '111111' ? '222222' : '111111'));
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('error: The OTP was not accepted (invalidOtp)\n  Run `citi card enroll` again to get a new OTP.\n');
    expect(await r.stored()).toEqual({});
  });

  it('reports an expired controlFlowId with exit 3', async () => {
    const r = await rig(['--control-flow-ttl', '1s']);
    const res = await enrollFeedingStdin(r, [...ENROLL, '--otp-stdin'], async (otp) => {
      await new Promise((done) => setTimeout(done, 1300));
      return otp;
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(
      'error: The enrollment is no longer valid: Control flow ID is invalid: it has expired\n  An OTP lives a few minutes; run `citi card enroll` again for a new one.\n',
    );
  });

  it('asks for --card when several cards are enrolled and there is no terminal', async () => {
    const r = await rig();
    expect((await spawnCli(ENROLL, { env: { ...r.env, CITI_OTP: '735937' } })).code).toBe(0);
    expect((await spawnCli(['card', 'enroll', '--last4', '4417', '--phone', '+852 9123 4567', '--scope', 'Card_Purchase'], { env: { ...r.env, CITI_OTP: '567351' } })).code).toBe(0);
    const res = await r.citi(['card', 'activate']);
    expect(res.code).toBe(2);
    expect(withoutStoreWarning(res.stderr)).toBe(
      'error: Several cards are enrolled: CARD-8653-0001 (XXXX-XXXX-XXXX-8653), CARD-4417-0002 (XXXX-XXXX-XXXX-4417)\n  Choose one with --card CARD_ID.\n',
    );
    const one = await r.citi(['card', 'activate', '--card', 'CARD-4417-0002', '--json']);
    expect(JSON.parse(one.stdout)).toEqual({ cardId: 'CARD-4417-0002', status: 'ACTIVE' });
  });

  it('--verbose traces every card call with no OTP, token, secret or phone number in them', async () => {
    const r = await rig();
    let otp = '';
    const enroll = await enrollFeedingStdin(r, ['--verbose', ...ENROLL, '--otp-stdin'], async (sent) => (otp = sent));
    expect(enroll.code).toBe(0);
    const record = (await r.stored())['card:CARD-8653-0001']!;
    const runs = [
      enroll,
      await r.citi(['--verbose', 'card', 'activate']),
      await r.citi(['--verbose', 'call', '--card', 'CARD-8653-0001', 'GET', EPP]),
      await r.citi(['--verbose', 'revoke', '--card', 'CARD-8653-0001']),
    ];
    for (const run of runs) expect(run.code).toBe(0);
    const all = runs.map((x) => x.stdout + x.stderr).join('\n');
    // The trace is there, with the secrets taken out.
    expect(all).toContain('> POST');
    expect(all).toMatch(/linkageConfirmationCode=\[REDACTED\]/);
    expect(all).toMatch(/"citiCardHolderPhoneNumber":"\[REDACTED\]"/);
    expect(all).toMatch(/"access_token":"\[REDACTED\]"/);
    expect(all).toMatch(/token=\[REDACTED\]&token_type_hint=refresh_token/);
    for (const secret of [otp, record.accessToken, record.refreshToken!, r.sb.clientSecret, '6590020056', Buffer.from(`${r.sb.clientId}:${r.sb.clientSecret}`).toString('base64')]) {
      expect(secret.length).toBeGreaterThan(5);
      expect(all).not.toContain(secret);
    }
  });
});
