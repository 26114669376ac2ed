/**
 * Why a client certificate was refused, one list for both sides: the emulator names the reason in
 * its 401 `invalidClientCertificate` answer (citi/errors.ts) (OpenSSL's verification code, or `missing`), and the
 * client reads that reason, or the TLS alert of a server that refuses in the handshake, as one
 * of a few problems it can explain.
 */

export type ClientCertProblem = 'missing' | 'expired' | 'notYetValid' | 'untrusted' | 'refused';

/** OpenSSL's verification codes (the emulator's reasons) and TLS alert codes (a refusal in the handshake). */
const REASONS: Readonly<Record<string, ClientCertProblem>> = {
  missing: 'missing',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'missing',
  CERT_HAS_EXPIRED: 'expired',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'notYetValid',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
  SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'untrusted',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'untrusted',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'refused',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'refused',
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: 'refused',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: 'refused',
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: 'refused',
};

/** The problem a reason or alert code names; undefined for a code that is not about the client certificate. */
export function clientCertProblem(code: string): ClientCertProblem | undefined {
  return Object.hasOwn(REASONS, code) ? REASONS[code] : undefined;
}
