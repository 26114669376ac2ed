import { expect, it } from 'vitest';
import { runCli, tempConfigHome, testEnv } from '../../helpers/cli.js';

it('citi demo walks the customer journeys: three-legged (token, accounts, profile, transfer, refresh, revoke), then the password grant', async () => {
  const home = await tempConfigHome();
  const res = await runCli(['demo'], { env: testEnv(home) });
  expect(res.code).toBe(0);
  const lines = res.stderr.split('\n');
  const steps = [
    /✓ +\d+ ms {2}citi token --three-legged \(callback server on 127\.0\.0\.1, PKCE S256, auto-consent as SandboxUser1\) — new: accounts_details_transactions cards customers_profiles personal_domestic_transfers/,
    /✓ +\d+ ms {2}GET \/v1\/accounts — 4 accounts/,
    /✓ +\d+ ms {2}GET \/v1\/customers\/profiles — ALEX TAN, alex\.tan@example\.com/,
    /✓ +\d+ ms {2}GET \/v1\/moneyMovement\/personalDomesticTransfers\/destinationAccounts\/sourceAccounts — 3 source and 4 destination accounts/,
    /✓ +\d+ ms {2}POST \/v1\/moneyMovement\/personalDomesticTransfers\/preprocess \(100\.00 SGD XXXXXX1248 → XXXXXX1459\) — controlFlowId CFID00000001/,
    /✓ +\d+ ms {2}POST \/v1\/moneyMovement\/personalDomesticTransfers \(confirm\) — transactionReferenceId TRF00000001/,
    /✓ +\d+ ms {2}GET \/v1\/accounts\/SAV10011248 \(the balance moved\) — 13450 → 13350 SGD/,
    /✓ +\d+ ms {2}refresh \(POST \/authCode\/oauth2\/refresh; the refresh token rotates\) — new pair stored/,
    /✓ +\d+ ms {2}citi revoke --three-legged \(token_type_hint=refresh_token\) — revoked at the server; the old access token is now refused \(401\)/,
    // The password-grant leg: headless, no browser.
    /✓ +\d+ ms {2}citi token --password --username SandboxUser2 \(GET \/security\/e2eKey, password encrypted with its RSA key\) — new: scope \/api/,
    /✓ +\d+ ms {2}GET \/v1\/accounts \(citi call --auth password\) — 3 accounts of SandboxUser2/,
    /✓ +\d+ ms {2}a wrong password is refused \(exit 3\) — 401: Authorization credentials are missing or invalid/,
    /✓ +\d+ ms {2}refresh \(POST \/authCode\/oauth2\/refresh; the refresh token rotates\) — new pair stored/,
    /✓ +\d+ ms {2}citi revoke --three-legged \(the password-grant pair, token_type_hint=refresh_token\) — revoked at the server; the old access token is now refused \(401\)/,
  ];
  let at = 0;
  for (const step of steps) {
    const found = lines.findIndex((l, i) => i >= at && step.test(l));
    expect(found, `step ${step} in order`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
  expect(res.stderr).toMatch(/All steps passed: \d+ steps/);
  // stdout is not a terminal here: the table is tab-separated lines.
  expect(res.stdout).toContain('accountGroup\tproductName\taccountId\tcurrencyCode\tavailableBalance\n');
  expect(res.stdout).toContain('SAVINGS_AND_INVESTMENTS\tCiti Savings Account\tSAV10011248\tSGD\t13450\n');
});
