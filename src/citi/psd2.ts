/**
 * PSD2 client registration ("Create a New Client") and the client-certificate checks of mutual TLS.
 * Citi publishes no body for the call: this project defines it [project-defined], here, for both
 * the client and the emulator.
 */

/** The X.520 organizationIdentifier attribute, where an eIDAS certificate carries the PSD2 identity. */
export const ORGANIZATION_IDENTIFIER_OID = '2.5.4.97';
export const DEFAULT_ORGANIZATION_IDENTIFIER = 'PSDGB-FCA-123456';

/** PSD2 roles (ETSI TS 119 495); the emulator grants these to every registered client. */
export const PSD2_ROLES = ['PSP_AI', 'PSP_PI'] as const;

export interface RegistrationRequest {
  clientName: string;
  redirectUris: string[];
  /** Two-letter country code. */
  countryCode: string;
}

export interface RegistrationResponse {
  clientId: string;
  clientSecret: string;
  organizationId: string;
  roles: string[];
}

export interface OrganizationIdentifier {
  /** The identifier as written, e.g. PSDGB-FCA-123456. */
  value: string;
  country: string;
  /** The national competent authority, e.g. FCA. */
  authority: string;
  /** The authorisation number at that authority. */
  id: string;
}

/** Parses the ETSI TS 119 495 form `PSD` + country + `-` + authority + `-` + number; null otherwise. */
export function parseOrganizationIdentifier(value: string): OrganizationIdentifier | null {
  const m = /^PSD([A-Z]{2})-([A-Z]{2,8})-([A-Za-z0-9.-]+)$/.exec(value.trim());
  if (!m) return null;
  return { value: value.trim(), country: m[1] as string, authority: m[2] as string, id: m[3] as string };
}

/** PSD2 is European: a registered client's country unless told otherwise. */
export const PSD2_DEFAULT_COUNTRY = 'gb';
