/** The implementation of `citi demo`, loaded when the command runs. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Factory } from '../../factory.js';
import { MemoryStore } from '../../store/secret-store.js';
import { colorOn } from '../../ui/io.js';
import { style } from '../../ui/style.js';

export async function runDemo(outer: Factory): Promise<void> {
  const [{ startSandbox }, { DEMO_LEGS }, { createDemoContext }] = await Promise.all([
    import('../../sandbox/server.js'),
    import('./legs.js'),
    import('./runner.js'),
  ]);
  const s = await style(colorOn(outer.io, 'stderr'));
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'citi-demo-'));
  const sandbox = await startSandbox({ autoConsent: true });
  const started = performance.now();
  try {
    // A private config folder and a memory store: the demo leaves nothing behind.
    const env: NodeJS.ProcessEnv = { ...outer.io.env, XDG_CONFIG_HOME: home };
    for (const k of Object.keys(env)) if (k.startsWith('CITI_')) delete env[k];
    const f = new Factory({ ...outer.io, env }, { profile: 'demo', ...(outer.globals.verbose ? { verbose: true } : {}) }, {
      ...outer.overrides,
      secrets: new MemoryStore(),
    });
    outer.info(s.bold(`citi demo: an embedded Citi sandbox emulator at ${sandbox.url}`));
    const d = createDemoContext(f, sandbox, s);
    for (const leg of DEMO_LEGS) {
      outer.info('\n' + s.cyan(s.bold(leg.title)));
      await leg.run(d);
    }
    outer.info(`\n${s.green(s.bold('All steps passed'))}: ${d.count} steps in ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await sandbox.close();
    await fs.rm(home, { recursive: true, force: true });
  }
}
