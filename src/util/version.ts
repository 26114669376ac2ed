/** The package's version, read once from package.json, and the User-Agent every request carries. */
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** From package.json one or two folders up: dist/util/ as compiled, or dist/ when bundled. */
export function packageVersion(): string {
  if (version) return version;
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'citi-sandbox' && pkg.version) return (version = pkg.version);
    } catch {
      // not here; try the next folder up
    }
  }
  return (version = '0.0.0');
}

/** `citi-sandbox/0.1.0 node/20.19.0`: who is calling, for server logs and Citi's support. */
export function userAgent(): string {
  return `citi-sandbox/${packageVersion()} node/${process.versions.node}`;
}
