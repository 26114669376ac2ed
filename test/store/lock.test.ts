/** The cross-process lock: mutual exclusion, and stale locks of dead processes taken over safely. */
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../src/store/lock.js';
import { ROOT, tempConfigHome } from '../helpers/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('withLock', () => {
  it('lets one holder in at a time', async () => {
    const dir = await tempConfigHome();
    const events: string[] = [];
    const hold = (name: string) =>
      withLock(dir, 'x', async () => {
        events.push(`${name} in`);
        await sleep(30);
        events.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    for (let i = 0; i < events.length; i += 2) expect(events[i + 1]).toBe(events[i]!.replace(' in', ' out'));
    await expect(fs.readdir(dir)).resolves.toEqual([]);
  });

  it('waits for a live holder however old its lock is', async () => {
    const dir = await tempConfigHome();
    // A live process (this one) holding a lock written long ago: not stale.
    await fs.writeFile(path.join(dir, 'x.lock'), `${process.pid} ${Date.now() - 5 * 60_000}`);
    await expect(withLock(dir, 'x', async () => 'in', { timeoutMs: 300 })).rejects.toThrow(/Timed out waiting for the lock/);
  });

  it('takes over the lock of a process that is gone', async () => {
    const dir = await tempConfigHome();
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    await fs.writeFile(path.join(dir, 'x.lock'), `${pid} ${Date.now()}`);
    expect(await withLock(dir, 'x', async () => 'in', { timeoutMs: 2000 })).toBe('in');
    await expect(fs.readdir(dir)).resolves.toEqual([]);
  });

  it('a lock file with no owner written yet (just created where there are no hard links) is not taken over at once', async () => {
    const dir = await tempConfigHome();
    await fs.writeFile(path.join(dir, 'x.lock'), '');
    await expect(withLock(dir, 'x', async () => 'in', { timeoutMs: 300 })).rejects.toThrow(/Timed out waiting for the lock/);
    await expect(fs.readFile(path.join(dir, 'x.lock'), 'utf8')).resolves.toBe('');
  });

  it('many processes racing to take over the same stale lock: one holder at a time, every round', async () => {
    const dir = await tempConfigHome();
    const log = path.join(dir, 'holders.log');
    // The lock module as the racers run it: bundled from the sources (outside the lock folder).
    const lockModule = path.join(await tempConfigHome(), 'lock.mjs');
    await build({ entryPoints: [path.join(ROOT, 'src/store/lock.ts')], bundle: true, platform: 'node', format: 'esm', outfile: lockModule, logLevel: 'error' });
    const racers = 8;
    for (let round = 0; round < 4; round++) {
      // A lock left by a process that is gone.
      const dead = spawn(process.execPath, ['-e', '']);
      await new Promise((r) => dead.on('exit', r));
      await fs.writeFile(path.join(dir, 'race.lock'), `${dead.pid} ${Date.now()} -`);
      const startAt = Date.now() + 1500;
      const children = Array.from({ length: racers }, () =>
        spawn(process.execPath, [path.join(ROOT, 'test/helpers/lock-racer.mjs'), lockModule, dir, 'race', log, String(startAt), '3'], { stdio: ['ignore', 'ignore', 'pipe'] }),
      );
      const codes = await Promise.all(
        children.map(
          (c) =>
            new Promise<number | null>((resolve) => {
              let err = '';
              c.stderr!.on('data', (d) => (err += String(d)));
              c.on('exit', (code) => resolve(code === 0 ? 0 : (console.error(err), code)));
            }),
        ),
      );
      expect(codes).toEqual(Array(racers).fill(0));
    }
    const lines = (await fs.readFile(log, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4 * racers * 3 * 2);
    // Strictly alternating: every enter is followed by the same process's leave.
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i], `line ${i + 1}`).toMatch(/^enter \d+$/);
      expect(lines[i + 1], `line ${i + 2}`).toBe(lines[i]!.replace('enter', 'leave'));
    }
    await expect(fs.readdir(dir)).resolves.toEqual(['holders.log']);
  }, 120_000);
});
