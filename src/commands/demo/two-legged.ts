/** Demo leg: login, a two-legged token, onboarding products as a table, a pay-with-points redemption. */
import { twoLeggedToken } from '../../auth/client-credentials.js';
import { loginDeps, runLogin } from '../login-run.js';
import { printTable, tableRows } from '../../ui/output.js';
import { formatDuration } from '../../util/duration.js';
import type { DemoLeg } from './runner.js';

export const twoLeggedLeg: DemoLeg = {
  title: 'Two-legged: login, token, Onboarding, Pay with Points',
  async run(d) {
    const { f, sandbox } = d;
    await d.step('citi login (credentials verified with a token)', () =>
      runLogin(loginDeps(f), { baseUrl: sandbox.url, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, country: 'sg', business: 'gcb' }),
    );
    await d.step(
      'citi token (cached after login)',
      async () => twoLeggedToken(await d.auth()),
      ({ record, source }) => `from ${source}, expires in ${formatDuration(record.expiresAt - f.now())}`,
    );
    const products = await d.step(
      'GET /v1/apac/onboarding/products',
      () => d.api('GET', '/v1/apac/onboarding/products'),
      (b) => `${(b as { products: unknown[] }).products.length} products`,
    );
    await printTable(f.io, tableRows(products) ?? []);
    const { rewardLinkCode } = (await d.step(
      'POST /v1/apac/rewards/linkage (card 8653)',
      () => d.api('POST', '/v1/apac/rewards/linkage', { lastFourDigitsCardNumber: '8653', citiCardHolderPhoneNumber: '6590020056', merchantCustomerReferenceId: 'DEMO-0001' }),
      (b) => `rewardLinkCode ${(b as { rewardLinkCode: string }).rewardLinkCode}`,
    )) as { rewardLinkCode: string };
    await d.step('PUT /v1/apac/rewards/{code}/activations (with a sandbox OTP)', () =>
      d.api('PUT', `/v1/apac/rewards/${rewardLinkCode}/activations`, { linkageConfirmationCode: '987654' }),
    );
    const before = (await d.step(
      'GET /v1/apac/rewards/{code}/pointBalance',
      () => d.api('GET', `/v1/apac/rewards/${rewardLinkCode}/pointBalance`),
      (b) => `${(b as { availablePointBalance: number }).availablePointBalance} points`,
    )) as { availablePointBalance: number; currencyCode: string };
    const after = (await d.step(
      'POST /v1/apac/rewards/{code}/redemption (1000 points)',
      () =>
        d.api('POST', `/v1/apac/rewards/${rewardLinkCode}/redemption`, {
          transactionReferenceNumber: 'DEMO-TXN-1',
          redemptionOrder: { transactionAmount: 4, currencyCode: before.currencyCode, pointsToRedeem: 1000, transactionDescription: 'citi demo' },
        }),
      (b) => `order ${(b as { orderId: string }).orderId}, ${(b as { availablePointBalance: number }).availablePointBalance} points left`,
    )) as { availablePointBalance: number };
    if (after.availablePointBalance !== before.availablePointBalance - 1000) {
      throw new Error(`The balance should have dropped by 1000 points (was ${before.availablePointBalance}, now ${after.availablePointBalance})`);
    }
  },
};
