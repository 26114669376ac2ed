/**
 * One process racing for a lock (test/store/lock.test.ts): waits until the agreed start time, takes
 * the lock `rounds` times, and appends "enter PID" / "leave PID" to the
 * shared log while it holds it. Usage: node lock-racer.mjs LOCK_MODULE DIR NAME LOG START_AT ROUNDS,
 * where LOCK_MODULE is src/store/lock.ts bundled to JavaScript (the test does it with esbuild).
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';

const [lockModule, dir, name, log, startAt, rounds] = process.argv.slice(2);
const { withLock } = await import(pathToFileURL(lockModule).href);
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
for (let i = 0; i < Number(rounds); i++) {
  await withLock(
    dir,
    name,
    async () => {
      fs.appendFileSync(log, `enter ${process.pid}\n`);
      await new Promise((r) => setTimeout(r, 2));
      fs.appendFileSync(log, `leave ${process.pid}\n`);
    },
    { timeoutMs: 60_000 },
  );
}
