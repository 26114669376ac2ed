/**
 * Demo leg: a three-legged sign-in against the emulator's auto-consent, the accounts table, the
 * customer profile, a domestic transfer, a refresh (the refresh token rotates) and a revoke.
 */
import { refreshThreeLegged, threeLeggedToken } from '../auth/authorization-code.js';
import { revokeStored } from '../auth/revoke.js';
import { tokenKey } from '../store/tokens.js';
import { printTable, tableRows } from '../ui/output.js';
import { formatDuration } from '../util/duration.js';
import type { DemoLeg } from './runner.js';

interface AccountList {
  accountGroupSummary: { accountGroup: string; accounts: Record<string, { accountId: string; availableBalance: number }>[] }[];
}

/** The demo's browser: opens the authorize URL and follows the emulator's redirect to the callback server. */
async function headlessBrowser(url: string): Promise<void> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the callback page answered ${res.status}`);
}

export const threeLeggedLeg: DemoLeg = {
  title: 'Three-legged: consent (auto), Accounts, Customers, a domestic transfer, refresh, revoke',
  async run(d) {
    const { f } = d;
    const ctx = await d.auth();
    const { record } = await d.step(
      'citi token --three-legged (callback server on 127.0.0.1, PKCE S256, auto-consent as SandboxUser1)',
      () => threeLeggedToken(ctx, { login: { openBrowser: headlessBrowser, timeoutMs: 15_000 } }),
      ({ record: r, source }) => `${source}: ${r.scope}, expires in ${formatDuration(r.expiresAt - f.now())}`,
    );
    const accounts = (await d.step(
      'GET /v1/accounts',
      () => d.api('GET', '/v1/accounts'),
      (b) => `${tableRows(b)?.length ?? 0} accounts`,
    )) as AccountList;
    await printTable(f.io, tableRows(accounts) ?? [], ['accountGroup', 'productName', 'accountId', 'currencyCode', 'availableBalance']);
    await d.step(
      'GET /v1/customers/profiles',
      () => d.api('GET', '/v1/customers/profiles'),
      (b) => {
        const p = b as { customerParticulars: { names: { fullName: string }[] }; emails: { emailAddress: string }[] };
        return `${p.customerParticulars.names[0]?.fullName}, ${p.emails[0]?.emailAddress}`;
      },
    );

    const pick = (group: string) => {
      const a = accounts.accountGroupSummary.find((g) => g.accountGroup === group)?.accounts[0];
      return a ? Object.values(a)[0]! : undefined;
    };
    const source = pick('SAVINGS_AND_INVESTMENTS');
    const destination = pick('CHECKING');
    if (!source || !destination) throw new Error('The demo user needs a savings and a checking account');
    const pre = (await d.step(
      `POST /v1/moneyMovement/personalDomesticTransfers/preprocess (100.00 SGD ${source.accountId} → ${destination.accountId})`,
      () =>
        d.api('POST', '/v1/moneyMovement/personalDomesticTransfers/preprocess', {
          sourceAccountId: source.accountId,
          transactionAmount: 100,
          transferCurrencyIndicator: 'SOURCE_ACCOUNT_CURRENCY',
          destinationAccountId: destination.accountId,
          chargeBearer: 'OUR',
          remarks: 'citi demo',
        }),
      (b) => `controlFlowId ${(b as { controlFlowId: string }).controlFlowId}`,
    )) as { controlFlowId: string };
    await d.step(
      'POST /v1/moneyMovement/personalDomesticTransfers (confirm)',
      () => d.api('POST', '/v1/moneyMovement/personalDomesticTransfers', { controlFlowId: pre.controlFlowId }),
      (b) => `transactionReferenceId ${(b as { transactionReferenceId: string }).transactionReferenceId}`,
    );
    await d.step(
      `GET /v1/accounts/${source.accountId} (the balance moved)`,
      async () => {
        const after = (await d.api('GET', `/v1/accounts/${source.accountId}`)) as { savingsAccount: { availableBalance: number } };
        const now = after.savingsAccount.availableBalance;
        if (Math.round((source.availableBalance - now) * 100) !== 10_000) throw new Error(`The balance should have dropped by 100.00 (was ${source.availableBalance}, now ${now})`);
        return now;
      },
      (now) => `${source.availableBalance} → ${now} SGD`,
    );

    const key = tokenKey('three-legged', record.scope);
    const refreshed = await d.step(
      'refresh (POST /authCode/oauth2/refresh; the refresh token rotates)',
      async () => {
        const outcome = await refreshThreeLegged(ctx, key, { refused: record.accessToken });
        if (!outcome.record) throw new Error(`The refresh failed: ${outcome.reason}`);
        if (outcome.record.refreshToken === record.refreshToken) throw new Error('The refresh token did not rotate');
        return outcome.record;
      },
      (r) => `new pair stored, expires in ${formatDuration(r.expiresAt - f.now())}`,
    );
    await d.step(
      'citi revoke --three-legged (token_type_hint=refresh_token)',
      async () => {
        const result = await revokeStored(ctx, key, refreshed);
        const res = await ctx.http.request({ method: 'GET', path: '/v1/accounts', bearer: refreshed.accessToken });
        if (res.status !== 401) throw new Error(`The revoked token should be refused (got HTTP ${res.status})`);
        return result;
      },
      (r) => `${r.atServer ? 'revoked at the server' : 'forgotten'}; the old access token is now refused (401)`,
    );
  },
};
