/**
 * Names of fields, headers and query parameters that carry secrets anywhere in Citi's protocol.
 * Redaction (client `--verbose` traces, the emulator's request log) uses this one list.
 */
export const SECRET_FIELDS = new Set([
  'client_secret',
  'clientsecret',
  'access_token',
  'refresh_token',
  'token',
  'code_verifier',
  'linkageconfirmationcode',
  // Not a credential, but personal: a card holder's phone number never appears in a trace.
  'citicardholderphonenumber',
  'otp',
  'otptoken',
  'password',
  // The one-time token of the password grant's E2E key.
  'biztoken',
  // Card secrets of the catalogue's card endpoints (test/citi/secrets.test.ts checks none is missed).
  'cvv',
  'encryptedcvv',
  'newpin',
  'encryptedpin',
  'pinregistrationkey',
  'cardactivationcode',
  'accountaccesscode',
  'passphrase',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
]);

/**
 * Secret only as a query or form parameter: `code` there is an authorization code, while in a JSON
 * body it is Citi's error code (`{"code":"invalidRequest"}`), which a trace must keep.
 */
const SECRET_PARAMS = new Set(['code']);

export const REDACTED = '[REDACTED]';

export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase());
}

/** Replaces secret values in a query string (`a=1&code=xyz` → `a=1&code=[REDACTED]`). */
export function redactQuery(query: string): string {
  if (!query) return query;
  const params = new URLSearchParams(query);
  let changed = false;
  for (const key of new Set(params.keys())) {
    if (isSecretField(key) || SECRET_PARAMS.has(key.toLowerCase())) {
      params.set(key, REDACTED);
      changed = true;
    }
  }
  return changed ? params.toString().replaceAll('%5BREDACTED%5D', REDACTED) : query;
}

/** Deep copy of a JSON-like value with secret fields replaced. */
export function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretField(k) && v != null ? REDACTED : redactJson(v);
    return out;
  }
  return value;
}
