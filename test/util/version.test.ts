/** The package's version: written into the bundles by the build, read from package.json by the sources. */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/util/version.js';
import { BIN, ROOT } from '../helpers/cli.js';

const pkgVersion = async () => (JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('packageVersion', () => {
  it('reads package.json when run from the sources', async () => {
    expect(packageVersion()).toBe(await pkgVersion());
  });

  it('is written into the built entry, which reads no file for --version', async () => {
    expect(await fs.readFile(path.join(ROOT, 'dist', 'entry.js'), 'utf8')).not.toContain('package.json');
    const child = spawn(process.execPath, [BIN, '--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c) => (out += String(c)));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(out).toBe(`${await pkgVersion()}\n`);
  });
});
