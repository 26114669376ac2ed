/**
 * The password grant's end-to-end encryption, shared by the client and the emulator:
 * `GET /security/e2eKey` answers an RSA public key as hex `{modulus, exponent}` and a one-time
 * `bizToken` response header; the password travels encrypted under that key, hex-encoded, with the
 * bizToken in a `BizToken` request header (the names are in wire.ts). Citi's pages do not fix the cipher: RSA PKCS#1 v1.5 over
 * the UTF-8 password. node:crypto only (built in, nothing to load).
 */
import { constants, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';

/** The answer of GET /security/e2eKey (Citi's GetEncryptionKeyResponse). */
export interface E2eKey {
  modulus: string;
  exponent: string;
  keyIdentifier?: string;
}

export function isE2eKey(body: unknown): body is E2eKey {
  const b = body as Partial<E2eKey> | undefined;
  return Boolean(b) && typeof b === 'object' && isHex(b?.modulus) && isHex(b?.exponent);
}

function isHex(v: unknown): v is string {
  return typeof v === 'string' && /^[0-9a-fA-F]+$/.test(v);
}

function hexBytes(hex: string): Buffer {
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
}

/** The public key of an E2E answer; throws on a key that is not RSA of at least 1024 bits. */
export function e2ePublicKey(key: E2eKey): KeyObject {
  const n = hexBytes(key.modulus.replace(/^(00)+/, ''));
  if (n.length < 128) throw new Error(`the E2E key is too short (${n.length * 8} bits)`);
  return createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: hexBytes(key.exponent).toString('base64url') }, format: 'jwk' });
}

/** The password as the token endpoint takes it: RSA PKCS#1 v1.5 under the E2E key, hex. */
export function encryptPassword(password: string, key: E2eKey): string {
  return publicEncrypt({ key: e2ePublicKey(key), padding: constants.RSA_PKCS1_PADDING }, Buffer.from(password, 'utf8')).toString('hex').toUpperCase();
}

/** An RSA public key as Citi answers it: modulus and exponent in hex. */
export function e2eKeyOf(publicKey: KeyObject): E2eKey {
  const jwk = publicKey.export({ format: 'jwk' });
  const hex = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64url').toString('hex').toUpperCase();
  return { modulus: hex(jwk.n), exponent: hex(jwk.e).replace(/^0+/, '') };
}

/**
 * The emulator's side: decrypts a hex password, or returns undefined when it is not one. Node 20
 * refuses PKCS#1 v1.5 in privateDecrypt, so the padding is removed here after a raw RSA operation.
 */
export function decryptPassword(hex: string, privateKey: KeyObject): string | undefined {
  const size = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== size * 2) return undefined;
  let block: Buffer;
  try {
    block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, Buffer.from(hex, 'hex'));
  } catch {
    return undefined;
  }
  // 0x00 0x02, at least eight non-zero padding bytes, 0x00, the message.
  if (block[0] !== 0 || block[1] !== 2) return undefined;
  const end = block.indexOf(0, 2);
  if (end < 10) return undefined;
  return block.subarray(end + 1).toString('utf8');
}
