/**
 * Where the secrets a run needs besides tokens come from, in order: the client secret, a PKCS#12
 * passphrase and the customer's password for the password grant. Never argv: a value the command
 * read from stdin, the environment, the store, else a masked prompt when a person is at a terminal.
 */
import path from 'node:path';
import { AuthError, UsageError } from '../errors.js';
import { accounts, type SecretStore } from './secret-store.js';

/** A masked (or plain) question on the terminal; absent when there is no terminal to ask on. */
export interface Ask {
  password(label: string, opts?: { validate?: (v: string) => true | string }): Promise<string>;
  input(label: string, opts?: { validate?: (v: string) => true | string }): Promise<string>;
}

/** The client secret: CITI_CLIENT_SECRET (resolved into the profile), else the profile's entry in the store. */
export async function clientSecretOf(profile: { name: string; envSecret?: string; fromEnv: boolean }, secrets: () => Promise<SecretStore>): Promise<string> {
  if (profile.envSecret) return profile.envSecret;
  if (profile.fromEnv) throw new UsageError('CITI_CLIENT_ID is set but CITI_CLIENT_SECRET is not');
  const store = await secrets();
  const secret = await store.get(accounts.clientSecret(profile.name));
  if (!secret) {
    throw new AuthError(
      `No client secret stored for profile "${profile.name}" (${store.location})`,
      `Run \`citi login${profile.name === 'default' ? '' : ` --profile ${profile.name}`}\`, or set CITI_CLIENT_SECRET.`,
    );
  }
  return secret;
}

/**
 * A PKCS#12 passphrase: the one given (read from stdin by the command), CITI_P12_PASSPHRASE, the
 * store, else a masked prompt. With none of these and no terminal to ask on: a usage error (exit 2).
 */
export async function p12PassphraseOf(
  file: string,
  from: { given?: string; env: NodeJS.ProcessEnv; stored?: () => Promise<string | null>; ask?: Ask | undefined },
): Promise<string> {
  if (from.given !== undefined) return from.given;
  const fromEnv = from.env.CITI_P12_PASSPHRASE;
  if (fromEnv) return fromEnv;
  const stored = await from.stored?.();
  if (stored) return stored;
  if (from.ask) return from.ask.password(`Passphrase of ${path.basename(file)}`);
  throw new UsageError(
    `The PKCS#12 file ${file} needs a passphrase, and there is no terminal to ask for it`,
    'Set CITI_P12_PASSPHRASE, or keep it in the store with `citi login --p12 FILE --p12-passphrase-stdin < passphrase.txt`.',
  );
}

/**
 * The customer's credentials for the password grant: the user ID given (see customerUsername in
 * src/auth/password.ts), else a prompt; the password given (read from --password-stdin by the
 * command), else CITI_PASSWORD, else a masked prompt. Without a terminal to ask on: a usage error
 * (exit 2) rather than a wait.
 */
export async function customerCredentialsOf(
  username: string | undefined,
  password: string | undefined,
  from: { env: NodeJS.ProcessEnv; ask?: Ask | undefined },
): Promise<{ username: string; password: string }> {
  const { ask } = from;
  const hint = 'Give --username (or CITI_USERNAME) and the password on --password-stdin or in CITI_PASSWORD.';
  let user = username || undefined;
  if (!user && ask) user = (await ask.input('Customer user ID', { validate: (v) => (v.trim() ? true : 'Required') })).trim();
  if (!user) throw new UsageError('No customer user ID for the password grant, and no terminal to ask for it', hint);
  let secret = password ?? (from.env.CITI_PASSWORD || undefined);
  if (secret === undefined && ask) secret = await ask.password(`Password of ${user}`, { validate: (v) => (v ? true : 'Required') });
  if (!secret) throw new UsageError(`No password for ${user}, and no terminal to ask for it`, hint);
  return { username: user, password: secret };
}
