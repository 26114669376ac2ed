/**
 * Profile setting values that the commands' help lists. Kept apart from profiles.ts so that
 * registering the commands (`citi --help`) loads no config or store code.
 */

/** How the customer signs in for customer APIs: in a browser (default) or by the password grant. */
export type CustomerSignIn = 'browser' | 'password';
export const CUSTOMER_SIGN_INS: readonly CustomerSignIn[] = ['browser', 'password'];

/** The environment variable that holds a PKCS#12 passphrase. */
export const PASSPHRASE_ENV = 'CITI_P12_PASSPHRASE';
