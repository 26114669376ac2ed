/**
 * Is a real Secret Service reachable? Keychain tests run when it is; under CI=true they must run,
 * so a missing Secret Service fails them there instead of skipping.
 */
import { KeychainStore } from '../../src/store/keychain-store.js';

export async function secretServiceAvailable(): Promise<{ ok: boolean; why?: string }> {
  try {
    await new KeychainStore(3000, 'citi-sandbox-test-probe').get('probe');
    return { ok: true };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

export const inCI = Boolean(process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0');

/** Decides once per file: returns true to run; logs why when skipping; throws in CI when unavailable. */
export async function requireSecretService(): Promise<boolean> {
  const { ok, why } = await secretServiceAvailable();
  if (ok) return true;
  if (inCI) throw new Error(`CI=true but no Secret Service is reachable: ${why}`);
  console.warn(`skipping keychain tests: no Secret Service (${why}). Run them with scripts/with-keyring.sh npm test`);
  return false;
}
