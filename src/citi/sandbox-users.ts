/**
 * The customers of Citi's sandbox and the password they share, as Citi's sandbox pages list them:
 * the emulator signs in the same users, and the demo and `citi test` sign in as them.
 */
export const SANDBOX_USERS = ['SandboxUser1', 'SandboxUser2', 'SandboxUser3', 'SandboxUser4', 'SandboxUser5'] as const;
export const SANDBOX_PASSWORD = 'P@ssUser1$';
