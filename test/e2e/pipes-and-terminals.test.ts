/**
 * The built binary in real pipelines and a real terminal (tmux): a reader that goes away, colours
 * decided per stream, FORCE_COLOR, and tables off a terminal.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandbox } from '../helpers/sandbox.js';
import { requireTmux, terminal } from '../helpers/tmux.js';

const run = promisify(execFile);
const haveTmux = await requireTmux();
const ESC = '\u001b[';
const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const CITI = `${q(process.execPath)} ${q(BIN)}`;

/** A private config folder, an emulator, its credentials in the environment, colours not turned off. */
async function world(extra: NodeJS.ProcessEnv = {}) {
  const s = await sandbox();
  const home = await tempConfigHome();
  const env = testEnv(home, { CITI_BASE_URL: s.url, CITI_CLIENT_ID: s.clientId, CITI_CLIENT_SECRET: s.clientSecret, CITI_STORE: 'memory', ...extra });
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return { s, home, env };
}

function withoutCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const e = { ...env };
  for (const k of ['CITI_BASE_URL', 'CITI_CLIENT_ID', 'CITI_CLIENT_SECRET', 'CITI_STORE']) delete e[k];
  return e;
}

/** Runs a shell pipeline with pipefail; returns citi's exit status (PIPESTATUS[0]), what it wrote to stderr, and the pipeline's output. */
async function pipeline(citiArgs: string, reader: string, env: NodeJS.ProcessEnv, dir: string) {
  const err = path.join(dir, 'stderr.txt');
  const script = `${CITI} ${citiArgs} 2> ${q(err)} | ${reader}; echo "status=\${PIPESTATUS[0]}"`;
  const { stdout } = await run('bash', ['-c', script], { env, timeout: 20_000 });
  const status = Number(/status=(\d+)\s*$/.exec(stdout)?.[1]);
  return { status, stderr: await fs.readFile(err, 'utf8'), output: stdout.replace(/status=\d+\s*$/, '') };
}

describe('a reader that goes away ends the output quietly', () => {
  it('citi --help | head -1: the first line, no stack trace, exit 0', async () => {
    const { env, home } = await world();
    for (let i = 0; i < 3; i++) {
      const res = await pipeline('--help', 'head -1', env, home);
      expect(res.output).toBe('Usage: citi [options] [command]\n');
      expect(res.stderr).toBe('');
      expect(res.status).toBe(0);
    }
  });

  it('citi token | true: no stack trace, and the command still ends with its own exit code', async () => {
    const { env, home } = await world();
    const res = await pipeline('token', 'true', env, home);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    // A failing command still says why and exits with its code, though nobody reads stdout.
    const failed = await pipeline('call /v1/apac/onboarding/products', 'true', { ...env, CITI_CLIENT_SECRET: 'wrong' }, home);
    expect(failed.stderr).toMatch(/^error: .*invalid_client/m);
    expect(failed.stderr).not.toContain('EPIPE');
    expect(failed.status).toBe(3);
  });
});

describe('colours', () => {
  it('FORCE_COLOR colours output that is not a terminal; FORCE_COLOR=0 and NO_COLOR turn colours off', async () => {
    const { env } = await world();
    const forced = await spawnCli(['call', '/v1/apac/onboarding/products'], { env: { ...env, FORCE_COLOR: '1' } });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain(`${ESC}32m"VC830"`); // a string value, green
    const login = await spawnCli(['login', '--store', 'file', '--base-url', env.CITI_BASE_URL!, '--client-id', env.CITI_CLIENT_ID!, '--client-secret-stdin'], {
      env: { ...withoutCredentials(env), FORCE_COLOR: '1' },
      stdin: env.CITI_CLIENT_SECRET!,
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain(`${ESC}32m✓`);
    const plain = await spawnCli(['call', '/v1/apac/onboarding/products'], { env });
    expect(plain.stdout).not.toContain(ESC);
    for (const off of [{ FORCE_COLOR: '0' }, { FORCE_COLOR: 'false' }, { NO_COLOR: '1' }]) {
      expect((await spawnCli(['call', '/v1/apac/onboarding/products'], { env: { ...env, ...off } })).stdout).not.toContain(ESC);
    }
    // --no-color wins over FORCE_COLOR.
    expect((await spawnCli(['call', '/v1/apac/onboarding/products', '--no-color'], { env: { ...env, FORCE_COLOR: '1' } })).stdout).not.toContain(ESC);
  });

  it.skipIf(!haveTmux)('are decided per stream: stderr redirected to a file gets none while stdout, a terminal, is coloured', async () => {
    const { env, home } = await world();
    const loginErr = path.join(home, 'login.err');
    const callErr = path.join(home, 'call.err');
    const secret = path.join(home, 'secret.txt');
    await fs.writeFile(secret, env.CITI_CLIENT_SECRET!);
    const loginEnv = 'env -u CITI_BASE_URL -u CITI_CLIENT_ID -u CITI_CLIENT_SECRET -u CITI_STORE';
    const script = [
      `${loginEnv} ${CITI} login --store file --base-url ${q(env.CITI_BASE_URL!)} --client-id ${q(env.CITI_CLIENT_ID!)} --client-secret-stdin < ${q(secret)} 2> ${q(loginErr)}`,
      `${CITI} call /v1/apac/onboarding/products 2> ${q(callErr)}`,
      `${CITI} call /v1/apac/onboarding/products --table 2> ${q(callErr)}`,
    ].join(' && ');
    const t = await terminal(['sh', '-c', script], env, ROOT);
    expect(await t.exitCode()).toBe(0);
    const login = await fs.readFile(loginErr, 'utf8');
    expect(login).toContain('Profile default saved');
    expect(login).not.toContain(ESC);
    const screen = await t.screen({ escapes: true });
    expect(screen).toMatch(/\u001b\[32m"VC830"/); // the JSON on the terminal is coloured
    expect(screen).toMatch(/│ VC830\s+│ Citi PremierMiles Card/); // and the table drawn
  });

  it.skipIf(!haveTmux)('stdout redirected to a file gets plain JSON and a tab-separated table while stderr is the terminal', async () => {
    const { env, home } = await world();
    const out = path.join(home, 'out.json');
    const table = path.join(home, 'out.tsv');
    const t = await terminal(['sh', '-c', `${CITI} call /v1/apac/onboarding/products > ${q(out)} && ${CITI} call /v1/apac/onboarding/products --table > ${q(table)}`], env, ROOT);
    expect(await t.exitCode()).toBe(0);
    const json = await fs.readFile(out, 'utf8');
    expect(json).not.toContain(ESC);
    expect(JSON.parse(json).products).toHaveLength(5);
    const lines = (await fs.readFile(table, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('productCode\tproductDescription\tproductType\tsourceCode');
    expect(lines).toContain('PL200\tCiti Quick Cash Personal Loan\tPERSONAL_LOAN\tWW5ARCE4');
    expect(lines).toHaveLength(6);
  });
});
