/** Redaction for --verbose traces: the only place request and response text is made safe to show. */
import { REDACTED, isSecretField, redactJson, redactQuery } from '../citi/secrets.js';
import { HEADERS } from '../citi/wire.js';

/** A URL with its password (a proxy's `user:password@`) and secret query parameters redacted. */
export function redactUrl(url: string): string {
  // A setting that does not parse (a password with an unencoded / ? or #) has no clear end to its
  // credentials: everything between the scheme and the last @ goes.
  if (!URL.canParse(url) && /^[a-z][a-z0-9+.-]*:\/\/.*@/is.test(url)) return url.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/is, `$1${REDACTED}@`);
  const safe = url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#@:]*:)[^/?#]*@/i, `$1${REDACTED}@`);
  const q = safe.indexOf('?');
  return q < 0 ? safe : safe.slice(0, q + 1) + redactQuery(safe.slice(q + 1));
}

export function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const text = Array.isArray(v) ? v.join(', ') : String(v);
    // Keep the scheme (Basic, Bearer) when there is one; never any of the credential.
    if (k.toLowerCase() === HEADERS.authorization.toLowerCase()) out[k] = /^\S+\s/.test(text) ? text.split(/\s/)[0] + ' ' + REDACTED : REDACTED;
    else out[k] = isSecretField(k) ? REDACTED : text;
  }
  return out;
}

/** Redacts a body by its content type; text that is neither JSON nor a form is summarised. */
export function redactBody(body: string, contentType: string | undefined): string {
  if (!body) return '';
  if (/json/i.test(contentType ?? '') || /^\s*[[{]/.test(body)) {
    try {
      return JSON.stringify(redactJson(JSON.parse(body)));
    } catch {
      // fall through: not JSON after all
    }
  }
  if (/x-www-form-urlencoded/i.test(contentType ?? '')) return redactQuery(body);
  return `<${Buffer.byteLength(body)} bytes of ${contentType ?? 'unknown type'}>`;
}

/** Removes any of the given secret values from free text (e.g. an error message that echoed one). */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}
