/** Where citi-sandbox keeps its files (XDG base directories). */
import os from 'node:os';
import path from 'node:path';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'citi-sandbox');
}

/** Lock files live beside the config: they are per user, like the tokens they guard. */
export function lockDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'locks');
}
