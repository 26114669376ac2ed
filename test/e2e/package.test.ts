/**
 * The package as users get it: `npm pack`, the tarball installed globally into a temporary prefix
 * (offline: its dependencies are in npm's cache since `npm ci`), and `citi demo` run from there.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, tempConfigHome, testEnv } from '../helpers/cli.js';

const run = promisify(execFile);
/** npm with the user's own cache (where `npm ci` left every dependency). */
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 16 * 1024 * 1024 });

describe('the packed package', () => {
  it('installs globally from its tarball and runs citi demo', { timeout: 240_000 }, async () => {
    const work = await tempConfigHome();
    const env = testEnv(path.join(work, 'config'), { HOME: work });
    // The build is already in dist/ (npm test builds first): packing it must not rebuild under running tests.
    const packed = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT);
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'bin/citi.js', 'dist/cli.js', 'dist/sandbox/index.js']));
    expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    const manifest = JSON.parse(await fs.readFile(path.join(ROOT, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({ license: 'MIT', homepage: expect.stringMatching(/^https:\/\//), bugs: { url: expect.stringMatching(/^https:\/\//) }, repository: { url: expect.any(String) } });

    const prefix = path.join(work, 'prefix');
    await npm(['install', '-g', '--prefer-offline', '--prefix', prefix, path.join(work, info!.filename)], work);
    const citi = path.join(prefix, 'bin', 'citi');
    const version = await run(citi, ['--version'], { env });
    expect(version.stdout.trim()).toBe(manifest.version);
    const demo = await run(citi, ['demo'], { env, timeout: 120_000 });
    expect(demo.stdout + demo.stderr).toMatch(/All steps passed: \d+ steps/);
    // Installed, it runs its own copy, not this checkout's.
    expect(await fs.realpath(citi)).toBe(path.join(prefix, 'lib', 'node_modules', 'citi-sandbox', 'bin', 'citi.js'));
    await expect(fs.access(path.join(work, 'config', 'citi-sandbox'))).rejects.toThrow();
  });
});
