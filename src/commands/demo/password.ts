/**
 * Demo leg: the headless customer sign-in. The password grant with an E2E key (no browser), the
 * accounts it opens, a wrong password refused, a refresh and a revoke.
 */
import { passwordSignIn, passwordToken, refreshPasswordToken } from '../../auth/password.js';
import { AuthError } from '../../errors.js';
import { SANDBOX_PASSWORD } from '../../citi/sandbox-users.js';
import { tokenKey } from '../../store/tokens.js';
import { tableRows } from '../../ui/output.js';
import { formatDuration } from '../../util/duration.js';
import { refreshThenRevoke } from './customer-pair.js';
import type { DemoLeg } from './runner.js';

const USER = 'SandboxUser2';

export const passwordLeg: DemoLeg = {
  title: 'Password grant: a headless customer sign-in (E2E key, bizToken), Accounts, refresh, revoke',
  async run(d) {
    const { f } = d;
    const ctx = await d.auth();
    const { record } = await d.step(
      `citi token --password --username ${USER} (GET /security/e2eKey, password encrypted with its RSA key)`,
      () => passwordToken(ctx, { username: USER, credentials: async () => ({ username: USER, password: SANDBOX_PASSWORD }) }),
      ({ record: r, source }) => `${source}: scope ${r.scope}, expires in ${formatDuration(r.expiresAt - f.now())}`,
    );
    await d.step(
      'GET /v1/accounts (citi call --auth password)',
      () => d.api('GET', '/v1/accounts', undefined, { kind: 'password' }),
      (b) => `${tableRows(b)?.length ?? 0} accounts of ${USER}`,
    );
    await d.step(
      'a wrong password is refused (exit 3)',
      async () => {
        try {
          await passwordSignIn(ctx, { username: USER, password: 'not-the-password' });
        } catch (err) {
          if (err instanceof AuthError) return err.message;
          throw err;
        }
        throw new Error('A wrong password should be refused');
      },
      (message) => message.replace(/^.*failed: /, ''),
    );
    const key = tokenKey('password', USER);
    await refreshThenRevoke(d, {
      key,
      record,
      refresh: () => refreshPasswordToken(ctx, key, { refused: record.accessToken }),
      revokeTitle: 'citi revoke --three-legged (the password-grant pair, token_type_hint=refresh_token)',
    });
  },
};
