/** The end of each customer-token demo leg: refresh the pair (the refresh token must rotate), then revoke it. */
import { revokeStored } from '../../auth/revoke.js';
import type { RefreshOutcome } from '../../auth/token-cache.js';
import type { TokenRecord } from '../../store/tokens.js';
import { formatDuration } from '../../util/duration.js';
import type { DemoContext } from './runner.js';

export async function refreshThenRevoke(
  d: DemoContext,
  p: { key: string; record: TokenRecord; refresh: () => Promise<RefreshOutcome>; revokeTitle: string },
): Promise<void> {
  const ctx = await d.auth();
  const refreshed = await d.step(
    'refresh (POST /authCode/oauth2/refresh; the refresh token rotates)',
    async () => {
      const outcome = await p.refresh();
      if (!outcome.record) throw new Error(`The refresh failed: ${outcome.reason}`);
      if (outcome.record.refreshToken === p.record.refreshToken) throw new Error('The refresh token did not rotate');
      return outcome.record;
    },
    (r) => `new pair stored, expires in ${formatDuration(r.expiresAt - d.f.now())}`,
  );
  await d.step(
    p.revokeTitle,
    async () => {
      const result = await revokeStored(ctx, p.key, refreshed);
      const res = await ctx.http.request({ method: 'GET', path: '/v1/accounts', bearer: refreshed.accessToken });
      if (res.status !== 401) throw new Error(`The revoked token should be refused (got HTTP ${res.status})`);
      return result;
    },
    (r) => `${r.atServer ? 'revoked at the server' : 'forgotten'}; the old access token is now refused (401)`,
  );
}
