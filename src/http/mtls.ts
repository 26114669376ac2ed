/** Client-certificate failures of mutual TLS, however the server reports them, as one clear error (exit 3). */
import { isCitiError, isCitiErrorBody } from '../citi/errors.js';
import { clientCertProblem, type ClientCertProblem } from '../citi/mtls.js';
import { AuthError } from '../errors.js';

const ATTACH = 'a client certificate: `citi login --cert FILE --key FILE` (or --p12 FILE) for a profile, --cert/--key for `citi client register`';

export function clientCertError(problem: ClientCertProblem, where: string, detail?: string): AuthError {
  const because = detail ? ` (${detail})` : '';
  switch (problem) {
    case 'missing':
      return new AuthError(`${where} requires a client certificate (mutual TLS), and none was sent${because}`, `Configure ${ATTACH}.`);
    case 'expired':
      return new AuthError(`${where} refused the client certificate: it has expired${because}`, `Get a new certificate (for the emulator: \`citi sandbox certs --out DIR\`) and configure ${ATTACH}.`);
    case 'notYetValid':
      return new AuthError(`${where} refused the client certificate: it is not valid yet${because}`, `Check this machine's clock and the certificate's start date, and configure ${ATTACH}.`);
    case 'untrusted':
      return new AuthError(
        `${where} refused the client certificate: it is not signed by a CA the server trusts${because}`,
        `Use a certificate issued by the server's client CA (the emulator's --client-ca) and configure ${ATTACH}.`,
      );
    case 'refused':
      return new AuthError(`${where} refused the client certificate${because}`, `Check the certificate and key, and configure ${ATTACH}.`);
  }
}

/** The emulator's 401 `invalidClientCertificate` answer as an AuthError; undefined for any other answer. */
export function clientCertResponseError(status: number, body: unknown, where: string): AuthError | undefined {
  if (status !== 401 || !isCitiErrorBody(body) || !isCitiError(body, 'invalidClientCertificate')) return undefined;
  const more = body.moreInfo;
  const reason = more && typeof more === 'object' && typeof more.reason === 'string' ? more.reason : undefined;
  const problem = reason ? clientCertProblem(reason) : undefined;
  if (!problem) return clientCertError('refused', where, body.details);
  return clientCertError(problem, where, problem === 'missing' ? undefined : reason);
}
