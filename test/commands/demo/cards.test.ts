/** `citi demo` walks the card leg: enroll (OTP from the embedded emulator), activate, Easy Payment Plan, refresh, revoke. */
import { describe, expect, it } from 'vitest';
import { runCli, tempConfigHome, testEnv } from '../../helpers/cli.js';

describe('citi demo: card authorization leg', () => {
  it('enrolls, activates, checks Easy Payment Plan eligibility, refreshes and revokes', async () => {
    const home = await tempConfigHome();
    const res = await runCli(['demo'], { env: testEnv(home) });
    expect(res.stderr).toContain('All steps passed');
    expect(res.code).toBe(0);
    // This leg's lines: from its title to the blank line before the next leg.
    const from = res.stderr.slice(res.stderr.indexOf('Card authorization: enroll with an OTP'));
    const leg = from.slice(0, from.indexOf('\n\n') < 0 ? undefined : from.indexOf('\n\n'));
    const steps = [...leg.matchAll(/^✓ +\d+ ms {2}(.*)$/gm)].map((m) => m[1]);
    expect(steps).toEqual([
      'citi card enroll --last4 8653 --phone 6590020056 (OTP read from the emulator) — card CARD-8653-0001 (XXXX-XXXX-XXXX-8653), scope epp_booking',
      'citi card activate --card CARD-8653-0001 — status ACTIVE',
      'GET /v1/creditCards/{cardId}/transactions/eligibility/easyPaymentPlan — tenors 3, 6, 12, 24 months',
      'card token refresh (rotation) — a new pair; the old refresh token is spent',
      'citi revoke --card CARD-8653-0001 — access and refresh token revoked at the emulator, forgotten here',
    ]);
    expect(res.stdout).toContain('\n24\t7.2\t0\tSGD\t500\n'); // stdout is not a terminal: tab-separated
    // The demo plays the phone: the OTP it reads is used, never printed; nor is any token.
    expect(leg + res.stdout).not.toMatch(/OTP:? \d{6}|AAIk|RRIk/);
  });
});
