/** The package's version, for `citi --version` and the User-Agent. */

declare const CITI_SANDBOX_VERSION: string | undefined;

/**
 * Written in by the bundler (scripts/build.mjs, `define`), so the built CLI reads no file for it;
 * the sources (tests, type checks) read package.json.
 */
export function packageVersion(): string {
  if (typeof CITI_SANDBOX_VERSION === 'string') return CITI_SANDBOX_VERSION;
  const { readFileSync } = process.getBuiltinModule('node:fs');
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
