/**
 * Citi API Hub endpoint paths, relative to a base URL such as
 * `https://sandbox.apihub.citi.com/gcb/api`. One source of truth for the client and the emulator.
 * `{cc}` is the lowercase country code, `{CC}` the uppercase one, `{bc}` the business code.
 * Every path can be overridden per profile (`paths` in the profile config).
 */
export const DEFAULT_PATHS = {
  clientCredentialsToken: '/clientCredentials/oauth2/token/{cc}/{bc}',
  authorize: '/authCode/oauth2/authorize',
  authCodeToken: '/authCode/oauth2/token/{cc}/{bc}',
  authCodeRefresh: '/authCode/oauth2/refresh',
  authCodeRevoke: '/authCode/oauth2/revoke',
  cardAuthorize: '/cardAuth/oauth2/authorize/{CC}/{bc}',
  cardToken: '/cardAuth/oauth2/token/{CC}/{bc}',
  cardActivate: '/cardAuth/oauth2/activate/{CC}/{bc}',
  cardRefresh: '/cardAuth/oauth2/refresh',
  cardRevoke: '/cardAuth/oauth2/revoke',
  registerClient: '/psd2/v1/onboarding/clients',
  /** The E2E public key (and a one-time bizToken) the password grant encrypts the password with. */
  e2eKey: '/security/e2eKey',
  passwordToken: '/password/oauth2/token/{cc}/{bc}',
} as const;

export type EndpointName = keyof typeof DEFAULT_PATHS;
export type EndpointPaths = Record<EndpointName, string>;

export function isEndpointName(name: string): name is EndpointName {
  return Object.prototype.hasOwnProperty.call(DEFAULT_PATHS, name);
}

/** Fills `{cc}`, `{CC}` and `{bc}` in a path template. */
export function fillPath(template: string, where: { country: string; business: string }): string {
  return template
    .replaceAll('{cc}', encodeURIComponent(where.country.toLowerCase()))
    .replaceAll('{CC}', encodeURIComponent(where.country.toUpperCase()))
    .replaceAll('{bc}', encodeURIComponent(where.business.toLowerCase()));
}

/** Citi's hosted environments; `local` is this project's emulator and has no fixed URL. */
export const ENVIRONMENTS = {
  sandbox: 'https://sandbox.apihub.citi.com/gcb/api',
  qa: 'https://qa.sandbox.apihub.citi.com/gcb/gp/api',
  aspac: 'https://aspac.sandbox.api.citi.com/gcbap/api',
} as const;

export type EnvironmentName = keyof typeof ENVIRONMENTS;

export function isEnvironmentName(name: string): name is EnvironmentName {
  return Object.prototype.hasOwnProperty.call(ENVIRONMENTS, name);
}

/** Country codes Citi's API Hub serves (lowercase), for prompts and validation hints. */
export const COUNTRIES = ['sg', 'hk', 'au', 'us', 'pl', 'in', 'bh', 'my', 'th', 'ph', 'vn', 'id', 'ae', 'gb'] as const;

/** The path prefix every emulator and Citi base URL ends in for the default business. */
export const SANDBOX_BASE_PATH = '/gcb/api';

/** The HTTP methods an API call may use. */
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
