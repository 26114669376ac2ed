/** The password grant's RSA: the client's encryption and the emulator's decryption meet on the wire format. */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptPassword, e2eKeyOf, e2ePublicKey, encryptPassword, isE2eKey } from '../../src/citi/e2e.js';

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('E2E key and password encryption', () => {
  it('answers a key as hex; the password encrypts to 512 hex digits and decrypts back, UTF-8 included', () => {
    const key = e2eKeyOf(publicKey);
    expect(key.modulus).toMatch(/^[0-9A-F]{512}$/);
    expect(key.exponent).toBe('10001');
    for (const password of ['P@ssUser1$', 'pässwörd-密码', 'x']) {
      const hex = encryptPassword(password, key);
      expect(hex).toMatch(/^[0-9A-F]{512}$/);
      expect(decryptPassword(hex, privateKey)).toBe(password);
    }
    // Random padding: the same password encrypts differently each time.
    expect(encryptPassword('same', key)).not.toBe(encryptPassword('same', key));
  });

  it('reads keys with a leading zero byte, lowercase hex or an even-length exponent', () => {
    const key = e2eKeyOf(publicKey);
    const variant = { modulus: '00' + key.modulus.toLowerCase(), exponent: '010001' };
    expect(decryptPassword(encryptPassword('P@ssUser1$', variant), privateKey)).toBe('P@ssUser1$');
    expect(e2ePublicKey(variant).asymmetricKeyDetails?.modulusLength).toBe(2048);
  });

  it('refuses what is not a usable key, and what is not an encrypted password', () => {
    expect(isE2eKey({ modulus: 'XYZ', exponent: '10001' })).toBe(false);
    expect(isE2eKey({ modulus: 'ABCD' })).toBe(false);
    expect(() => e2ePublicKey({ modulus: 'ABCD', exponent: '3' })).toThrow(/too short/);
    expect(decryptPassword('P@ssUser1$', privateKey)).toBeUndefined();
    expect(decryptPassword('AB'.repeat(256), privateKey)).toBeUndefined();
    expect(decryptPassword('AB'.repeat(10), privateKey)).toBeUndefined();
  });
});
