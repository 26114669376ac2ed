import { describe, expect, it } from 'vitest';
import { resolveProfile, validateBaseUrl } from '../../src/config/profiles.js';
import { UsageError } from '../../src/errors.js';

describe('base URL check', () => {
  it('accepts https anywhere and plain http only on loopback', () => {
    expect(validateBaseUrl('https://sandbox.apihub.citi.com/gcb/api/')).toBe('https://sandbox.apihub.citi.com/gcb/api');
    expect(validateBaseUrl('http://127.0.0.1:8080/gcb/api')).toBe('http://127.0.0.1:8080/gcb/api');
    expect(validateBaseUrl('http://localhost:1/gcb/api')).toBe('http://localhost:1/gcb/api');
    expect(() => validateBaseUrl('http://example.com/gcb/api')).toThrow(UsageError);
    expect(() => validateBaseUrl('http://example.com/gcb/api')).toThrow(/Refusing plain http to example.com/);
    expect(() => validateBaseUrl('not a url')).toThrow(/Invalid base URL/);
  });
});

describe('the profile of a run (config/profiles.ts resolveProfile)', () => {
  const saved = { baseUrl: 'https://sandbox.apihub.citi.com/gcb/api', country: 'hk', business: 'gcb', clientId: 'saved-id' };
  const config = (profiles: Record<string, typeof saved> = {}) => ({ read: async () => ({ version: 1 as const, defaultProfile: 'default', profiles }) });
  const env = { CITI_CLIENT_ID: 'env-id', CITI_CLIENT_SECRET: 'env-secret' };

  it('is frozen, and its store is decided once, the keychain probe included (the real keychain: test/e2e/locked-keychain.test.ts)', async () => {
    const asked: string[] = [];
    const keychainReachable = async (p: { name: string }) => (asked.push(p.name), false);
    const fromEnv = await resolveProfile({ env, config: config(), keychainReachable });
    expect(fromEnv).toMatchObject({ clientId: 'env-id', store: 'memory', fromEnv: true });
    expect(Object.isFrozen(fromEnv) && Object.isFrozen(fromEnv.paths)).toBe(true);
    expect(asked).toEqual(['default']);
    // A store someone chose is kept: the probe is not asked, the keychain's own error will say why.
    const chosen = await resolveProfile({ env: { ...env, CITI_STORE: 'keychain' }, config: config(), keychainReachable });
    expect(chosen.store).toBe('keychain');
    // A saved profile's own secret is in its store: no probe either.
    expect((await resolveProfile({ env: {}, config: config({ default: saved }), keychainReachable })).store).toBe('keychain');
    expect(asked).toEqual(['default']);
  });
});
