/**
 * Client certificates on the emulator's HTTPS server. The TLS layer asks for a certificate but
 * lets the handshake finish whatever comes (rejectUnauthorized: false); the verdict is given here
 * as an HTTP 401 with the precise reason. A TLS-level refusal reaches a client as a bare
 * "socket hang up" for a certificate from an unknown CA under TLS 1.3, which names no fix.
 */
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { clientCertProblem } from '../citi/mtls.js';
import { ORGANIZATION_IDENTIFIER_OID } from '../citi/psd2.js';
import { citiError, type SandboxRequest } from './http.js';

export interface PeerCertificate {
  fingerprint256: string;
  raw: Buffer;
}

/** The verified client certificate of this connection; undefined when none was presented. Throws 401 when one was presented but fails verification. */
export function verifiedPeer(req: Pick<SandboxRequest, 'socket'>): PeerCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.raw) return undefined;
  if (!socket.authorized) {
    const reason = String(socket.authorizationError ?? 'UNKNOWN');
    throw clientCertificateError(reason, describeReason(reason));
  }
  return { fingerprint256: cert.fingerprint256, raw: cert.raw };
}

/** Like verifiedPeer, but a certificate is required. */
export function requirePeer(req: Pick<SandboxRequest, 'socket'>, why: string): PeerCertificate {
  const peer = verifiedPeer(req);
  if (!peer) throw clientCertificateError('missing', `${why}: no client certificate was presented`);
  return peer;
}

function describeReason(reason: string): string {
  switch (clientCertProblem(reason)) {
    case 'expired':
      return 'The client certificate has expired';
    case 'notYetValid':
      return 'The client certificate is not valid yet';
    case 'untrusted':
      return 'The client certificate is not signed by a CA this server trusts';
    default:
      return `The client certificate was refused (${reason})`;
  }
}

function clientCertificateError(reason: string, details: string) {
  return citiError('invalidClientCertificate', details, { moreInfo: { reason } });
}

/** The organizationIdentifier (2.5.4.97) of a certificate's subject, if it has one. */
export function organizationIdentifierOf(raw: Buffer): string | undefined {
  // Node names the attribute by OpenSSL's long name, or by its OID in older OpenSSL builds.
  for (const line of new X509Certificate(raw).subject.split('\n')) {
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    if (key === 'organizationIdentifier' || key === ORGANIZATION_IDENTIFIER_OID) return line.slice(eq + 1);
  }
  return undefined;
}
