/** A card token that can no longer be refreshed: the user is told why and to enroll again. */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/secret-store.js';
import { runCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandbox } from '../helpers/sandbox.js';

const EPP = '/v1/creditCards/CARD-8653-0001/transactions/eligibility/easyPaymentPlan';

async function enrolled(ttls: { accessMs: number; refreshMs: number }) {
  const s = await sandbox({ ttls });
  const secrets = new MemoryStore();
  const env = testEnv(await tempConfigHome(), { CITI_BASE_URL: s.url, CITI_CLIENT_ID: s.clientId, CITI_CLIENT_SECRET: s.clientSecret });
  const cli = (args: string[]) => runCli(args, { env, overrides: { secrets } });
  const enroll = await cli(['card', 'enroll', '--last4', '8653', '--phone', '6590020056', '--otp', '987654']);
  expect(enroll.code).toBe(0);
  return { s, cli };
}

describe('card token refresh failures', () => {
  it('an expired refresh token: exit 3, enroll again', async () => {
    const { cli } = await enrolled({ accessMs: 1000, refreshMs: 1000 });
    await new Promise((r) => setTimeout(r, 1100));
    const res = await cli(['call', '--card', 'CARD-8653-0001', 'GET', EPP]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('error: The card token of CARD-8653-0001 has expired and cannot be refreshed');
    expect(res.stderr).toContain('Enroll the card again: citi card enroll --last4 8653 --phone ...');
  });

  it('a refresh token the server refuses: its answer, exit 3, enroll again', async () => {
    const { s, cli } = await enrolled({ accessMs: 1000, refreshMs: 60_000 });
    for (const t of s.state.tokens.values()) if (t.kind === 'card') t.revoked = true;
    await new Promise((r) => setTimeout(r, 1100));
    const res = await cli(['call', '--card', 'CARD-8653-0001', 'GET', EPP]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('error: Card token refresh failed: invalid_grant: The refresh token has been revoked (HTTP 400)');
    expect(res.stderr).toContain('Enroll the card again: citi card enroll --last4 8653 --phone ...');
  });
});
