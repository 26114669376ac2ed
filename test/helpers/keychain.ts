/**
 * Is a real Secret Service reachable? Keychain tests run when it is; under CI=true they must run,
 * so a missing Secret Service fails them there instead of skipping.
 */
import path from 'node:path';
import { FileStore } from '../../src/store/file-store.js';
import { KeychainStore } from '../../src/store/keychain-store.js';
import type { SecretStore } from '../../src/store/secret-store.js';
import { lockDir } from '../../src/config/paths.js';
import { isCI } from '../../src/ui/io.js';

export async function secretServiceAvailable(): Promise<{ ok: boolean; why?: string }> {
  try {
    await new KeychainStore(3000, 'citi-sandbox-test-probe').get('probe');
    return { ok: true };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

/** CI as the CLI itself reads it. */
export const inCI = isCI(process.env);

/** Decides once per file: returns true to run; logs why when skipping; throws in CI when unavailable. */
export async function requireSecretService(): Promise<boolean> {
  const { ok, why } = await secretServiceAvailable();
  if (ok) return true;
  if (inCI) throw new Error(`CI=true but no Secret Service is reachable: ${why}`);
  console.warn(`skipping keychain tests: no Secret Service (${why}). Run them with scripts/with-keyring.sh npm test`);
  return false;
}

/**
 * Where a test's CLI runs keep secrets: the real keychain when a Secret Service is reachable, else
 * the 0600 file store in the test's config folder, so tests that are not about the keychain itself
 * run on every machine. `env` selects the same store for the CLI.
 */
export function storeForTests(keychain: boolean, configHome: string): { store: SecretStore; env: NodeJS.ProcessEnv; kind: 'keychain' | 'file' } {
  if (keychain) return { store: new KeychainStore(5000), env: { CITI_STORE: 'keychain' }, kind: 'keychain' };
  return { store: new FileStore(path.join(configHome, 'citi-sandbox', 'secrets.json'), () => undefined, lockDir({ XDG_CONFIG_HOME: configHome })), env: { CITI_STORE: 'file' }, kind: 'file' };
}
