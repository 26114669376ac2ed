/** Demo leg: card authorization: enroll with an OTP, activate, Easy Payment Plan, refresh (rotation), revoke. */
import { activateCard, enrollCard, refreshCardToken } from '../../auth/card.js';
import { revokeStored } from '../../auth/revoke.js';
import { tokenKey } from '../../store/tokens.js';
import { sentOtp } from '../../sandbox/oauth-card.js';
import { printTable, tableRows } from '../../ui/output.js';
import type { DemoLeg } from './runner.js';

export const cardsLeg: DemoLeg = {
  title: 'Card authorization: enroll with an OTP, activate, Easy Payment Plan, refresh, revoke',
  async run(d) {
    const { sandbox } = d;
    const ctx = await d.auth();
    const enrolled = await d.step(
      'citi card enroll --last4 8653 --phone 6590020056 (OTP read from the emulator)',
      () =>
        enrollCard(ctx, { country: ctx.profile.country, business: ctx.profile.business, lastFour: '8653', phone: '6590020056', scope: 'epp_booking' }, async ({ controlFlowId }) => {
          // The demo plays the card holder reading the text message the emulator "sent".
          const otp = sentOtp(sandbox.state, controlFlowId);
          if (!otp) throw new Error(`The emulator has no OTP for controlFlowId ${controlFlowId}`);
          return otp;
        }),
      (r) => `card ${r.cardId} (${r.meta?.maskedNumber}), scope ${r.scope}`,
    );
    const cardId = enrolled.cardId!;
    await d.step(`citi card activate --card ${cardId}`, () => activateCard(ctx, cardId), (r) => `status ${r.meta?.status}`);
    const plans = await d.step(
      'GET /v1/creditCards/{cardId}/transactions/eligibility/easyPaymentPlan',
      () => d.api('GET', `/v1/creditCards/${cardId}/transactions/eligibility/easyPaymentPlan`, undefined, { cardId }),
      (b) => `tenors ${(b as { easyPaymentPlan: { tenor: string }[] }).easyPaymentPlan.map((p) => p.tenor).join(', ')} months`,
    );
    await printTable(d.f.io, tableRows(plans) ?? []);
    const refreshed = await d.step(
      'card token refresh (rotation)',
      async () => {
        // Refreshed as if the server had refused the stored token: the demo shows the rotation now.
        const r = await refreshCardToken(ctx, cardId, { refused: (await ctx.tokens.get(tokenKey('card', cardId)))!.accessToken });
        const old = sandbox.state.tokens.get(enrolled.refreshToken!);
        if (r.refreshToken === enrolled.refreshToken || !old?.used) throw new Error('The refresh token should have been rotated');
        return r;
      },
      () => 'a new pair; the old refresh token is spent',
    );
    await d.step(
      `citi revoke --card ${cardId}`,
      async () => {
        // The same path as `citi revoke --card`.
        await revokeStored(ctx, tokenKey('card', cardId), refreshed);
        if (sandbox.state.liveToken(refreshed.accessToken, 'access').reason !== 'revoked') throw new Error('The access token should be revoked');
      },
      () => 'access and refresh token revoked at the emulator, forgotten here',
    );
  },
};
