/** The package's version, read once from package.json, and the User-Agent every request carries. */
import { readFileSync } from 'node:fs';

let version: string | undefined;

export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

/** `citi-sandbox/0.1.0 node/20.19.0`: who is calling, for server logs and Citi's support. */
export function userAgent(): string {
  return `citi-sandbox/${packageVersion()} node/${process.versions.node}`;
}
