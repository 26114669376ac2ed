/**
 * The examples people copy work as printed: the scripts example of `citi sandbox start --help`
 * and the README's shell blocks, run by bash with the built `citi` on PATH.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, BIN, onCleanup, ROOT, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { inCI } from '../helpers/keychain.js';
import { sandbox } from '../helpers/sandbox.js';

const haveJq = ['/usr/bin/jq', '/usr/local/bin/jq'].some((p) => existsSync(p));
const haveCurl = ['/usr/bin/curl', '/usr/local/bin/curl'].some((p) => existsSync(p));
if (!haveJq || !haveCurl) {
  if (inCI) throw new Error('CI=true but jq or curl is missing: the examples use them');
  console.warn('skipping the example scripts: jq or curl is missing (apt-get install jq curl)');
}

/** Runs `script` with bash -e in a folder of its own, `citi` on PATH; its process group is killed after the test. */
async function bash(script: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; dir: string }> {
  const dir = await tempConfigHome();
  const bin = path.join(dir, 'bin');
  await fs.mkdir(bin);
  await fs.writeFile(path.join(bin, 'citi'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
  const env = { ...testEnv(dir, extraEnv), PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
  const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group has ended
    }
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += String(c)));
  child.stderr.on('data', (c) => (stderr += String(c)));
  const code = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not finish in 20 s:\n${script}\nstderr: ${stderr}`)), 20_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve(c ?? -1);
    });
  });
  return { code, stdout, stderr, dir };
}

/** The ```sh block of the README that follows `marker`. */
function readmeBlock(marker: string): string {
  const text = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = text.indexOf(marker);
  expect(at, `README: "${marker}"`).toBeGreaterThanOrEqual(0);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(at));
  return block![1]!;
}

describe.skipIf(!haveJq || !haveCurl)('examples run as printed', () => {
  it('the scripts example of `citi sandbox start --help` starts an emulator in the background, reads its JSON line, calls it and stops it', async () => {
    const home = await tempConfigHome();
    const help = await spawnCli(['sandbox', 'start', '--help'], { env: testEnv(home) });
    const lines = help.stdout.split('\n');
    const from = lines.findIndex((l) => /^\s*# For scripts/.test(l));
    expect(from, help.stdout).toBeGreaterThan(0);
    const example = lines.slice(from + 1).filter((l) => l.trim());
    const script = example.map((l) => l.trim()).join('\n') + '\necho "sandbox pid $SANDBOX"';
    const res = await bash(script);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout.slice(0, res.stdout.lastIndexOf('sandbox pid'))).products).toHaveLength(5);
    const pid = Number(/sandbox pid (\d+)/.exec(res.stdout)![1]);
    // The example stops its emulator.
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  });

  it("the README's CI smoke test against the emulator", async () => {
    const res = await bash(readmeBlock('A CI smoke test against the emulator'));
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).products).toHaveLength(5);
  });

  it("the README's `citi call` examples, --data @card.json with the body it shows", async () => {
    const s = await sandbox({ autoConsent: true });
    const block = readmeBlock('renders the answer');
    expect(block).toContain('--data @card.json');
    // A profile, and a customer's token for the three-legged examples: curl is the browser (BROWSER).
    const signIn = [
      `citi login --store file --base-url '${s.url}' --client-id '${s.clientId}' --client-secret-stdin <<< '${s.clientSecret}'`,
      "BROWSER='curl -sSL -o /dev/null' citi token --three-legged --timeout 20s > /dev/null",
    ].join('\n');
    const res = await bash(`${signIn}\n${block}`);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('"rewardLinkCode": "RLC00000001"');
    expect(res.stdout).toContain('"orderId": "ORD00000001"');
    expect(res.stdout).toMatch(/^HTTP 200$/m);
  });
});
