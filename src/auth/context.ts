/** What every flow needs, handed in by the command (see src/factory.ts). */
import type { ResolvedProfile } from '../config/profiles.js';
import type { HttpClient } from '../http/client.js';
import type { TokenStore } from '../store/tokens.js';
import type { Progress } from '../ui/progress.js';

export interface AuthContext {
  profile: ResolvedProfile;
  http: HttpClient;
  tokens: TokenStore;
  /** The client secret, from the environment or the store; fails with a clear error when missing. */
  clientSecret(): Promise<string>;
  now(): number;
  /** A message for the person at the terminal (stderr). */
  info(message: string): void;
  /**
   * A person is at a terminal. Flows that need one (a browser sign-in started on the way to an API
   * call) fail fast without one instead of waiting for a sign-in nobody will do.
   */
  interactive: boolean;
  /** Spinners for long waits (a browser sign-in), on a terminal only. */
  progress?: Progress;
  /**
   * The customer's user ID and password for the password grant, called only when a new sign-in is
   * needed: from the command (--password-stdin), the environment or a masked prompt.
   */
  customerCredentials?(username?: string): Promise<{ username: string; password: string }>;
  /** Opens a URL in the user's browser; throws with the reason when none can be opened. */
  openBrowser?(url: string): Promise<void>;
}
