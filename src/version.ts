/** The package's version: set by the bundler (scripts/build.mjs), else read from package.json (tests run the sources). */
import { readFileSync } from 'node:fs';

declare const CITI_SANDBOX_VERSION: string | undefined;

export function packageVersion(): string {
  if (typeof CITI_SANDBOX_VERSION === 'string') return CITI_SANDBOX_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
