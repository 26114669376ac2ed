/**
 * Demo leg: a three-legged sign-in against the emulator's auto-consent, the accounts table, the
 * customer profile, a domestic transfer, a refresh (the refresh token rotates) and a revoke.
 */
import { refreshThreeLegged, threeLeggedToken } from '../../auth/authorization-code.js';
import { tokenKey } from '../../store/tokens.js';
import { printTable, tableRows } from '../../ui/output.js';
import { formatDuration } from '../../util/duration.js';
import { refreshThenRevoke } from './customer-pair.js';
import type { DemoLeg } from './runner.js';

interface AccountList {
  accountGroupSummary: { accountGroup: string; accounts: Record<string, { accountId: string; displayAccountNumber: string; availableBalance: number }>[] }[];
}

interface Eligible {
  sourceAccounts: { sourceAccountId: string; displaySourceAccountNumber: string }[];
  destinationSourceAcctCombinations: { destinationAccountId: string; displayDestinationAccountNumber: string }[];
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
    // Money movement names accounts by its own IDs: find the two accounts among the eligible ones.
    const eligible = (await d.step(
      'GET /v1/moneyMovement/personalDomesticTransfers/destinationAccounts/sourceAccounts',
      () => d.api('GET', '/v1/moneyMovement/personalDomesticTransfers/destinationAccounts/sourceAccounts'),
      (b) => `${(b as Eligible).sourceAccounts.length} source and ${(b as Eligible).destinationSourceAcctCombinations.length} destination accounts`,
    )) as Eligible;
    const from = eligible.sourceAccounts.find((a) => a.displaySourceAccountNumber === source.displayAccountNumber);
    const to = eligible.destinationSourceAcctCombinations.find((a) => a.displayDestinationAccountNumber === destination.displayAccountNumber);
    if (!from || !to) throw new Error('The savings and checking accounts should be eligible for a transfer');
    const pre = (await d.step(
      `POST /v1/moneyMovement/personalDomesticTransfers/preprocess (100.00 SGD ${source.displayAccountNumber} → ${destination.displayAccountNumber})`,
      () =>
        d.api('POST', '/v1/moneyMovement/personalDomesticTransfers/preprocess', {
          sourceAccountId: from.sourceAccountId,
          transactionAmount: 100,
          transferCurrencyIndicator: 'SOURCE_ACCOUNT_CURRENCY',
          destinationAccountId: to.destinationAccountId,
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
    await refreshThenRevoke(d, {
      key,
      record,
      refresh: () => refreshThreeLegged(ctx, key, { refused: record.accessToken }),
      revokeTitle: 'citi revoke --three-legged (token_type_hint=refresh_token)',
    });
  },
};
