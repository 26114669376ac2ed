/** The cross-process lock: mutual exclusion, and stale locks of dead processes taken over safely. */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../src/store/lock.js';
import { tempConfigHome } from '../helpers/cli.js';

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
});
