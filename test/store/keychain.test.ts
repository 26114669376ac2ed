import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { KeychainStore } from '../../src/store/keychain-store.js';
import { requireSecretService } from '../helpers/keychain.js';

const available = await requireSecretService();

describe.skipIf(!available)('keychain store (real Secret Service)', () => {
  let store: KeychainStore;
  beforeAll(() => {
    store = new KeychainStore(5000, `citi-sandbox-test-${randomUUID()}`);
  });

  it('writes, reads, overwrites and deletes a secret', async () => {
    const account = `p-${randomUUID()}/client-secret`;
    expect(await store.get(account)).toBeNull();
    await store.set(account, 's3cret-1');
    expect(await store.get(account)).toBe('s3cret-1');
    await store.set(account, 's3cret-2');
    expect(await store.get(account)).toBe('s3cret-2');
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeNull();
    expect(await store.delete(account)).toBe(false);
  });

  it('keeps entries of different accounts apart', async () => {
    const a = `a-${randomUUID()}`;
    const b = `b-${randomUUID()}`;
    await store.set(a, 'one');
    await store.set(b, 'two');
    expect([await store.get(a), await store.get(b)]).toEqual(['one', 'two']);
    await store.delete(a);
    await store.delete(b);
  });
});
