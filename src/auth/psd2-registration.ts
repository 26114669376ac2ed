/** PSD2 "Create a New Client" over mutual TLS: build the request, validate the answer. */
import { fillPath } from '../citi/endpoints.js';
import { citiErrorLine } from '../citi/errors.js';
import type { RegistrationRequest, RegistrationResponse } from '../citi/psd2.js';
import type { ResolvedProfile } from '../config/profiles.js';
import { ApiError, AuthError } from '../errors.js';
import type { HttpRequest, HttpResponse } from '../http/client.js';

export function buildRegistrationRequest(profile: Pick<ResolvedProfile, 'paths' | 'country' | 'business'>, body: RegistrationRequest): HttpRequest {
  return { method: 'POST', path: fillPath(profile.paths.registerClient, profile), json: body };
}

export function validateRegistrationResponse(res: HttpResponse): RegistrationResponse {
  const what = 'Client registration';
  if (res.status !== 200 && res.status !== 201) {
    const message = citiErrorLine(res.status, res.body, what);
    if (res.status === 401 || res.status === 403) throw new AuthError(message, 'Register with an eIDAS (QWAC) certificate the server accepts.');
    throw new ApiError(message, undefined, res.status, res.body);
  }
  const b = res.body as Partial<RegistrationResponse> | undefined;
  if (!b || typeof b !== 'object') throw new ApiError(`${what}: the server answered ${res.status} without a JSON body`);
  for (const field of ['clientId', 'clientSecret', 'organizationId'] as const) {
    if (typeof b[field] !== 'string' || !b[field]) throw new ApiError(`${what}: the answer has no ${field}`);
  }
  return { clientId: b.clientId!, clientSecret: b.clientSecret!, organizationId: b.organizationId!, roles: Array.isArray(b.roles) ? b.roles.map(String) : [] };
}
