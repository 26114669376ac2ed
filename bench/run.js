#!/usr/bin/env node
// Benchmarks, run after `npm run build` (npm run bench builds first):
//
//   npm run bench                 both parts
//   npm run bench -- --cli        start-up only: each `citi` run is a fresh process, timed against a
//                                 baseline run beside it (A B A B ...), so the ratios hold however
//                                 busy the machine is
//   npm run bench -- --emulator   the emulator: token requests per second (autocannon, 16
//                                 connections), its memory after a burst of short-lived tokens,
//                                 and a revocation among many live tokens
//
// Prints min, median and max of each ratio; exits 1 when a median misses its target.
// BENCH_RUNS (default 21) sets the interleaved runs, BENCH_REQUESTS (default 300000) the burst.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'citi.js');
const runs = Number(process.env.BENCH_RUNS) || 21;
const requests = Number(process.env.BENCH_REQUESTS) || 300_000;
const only = new Set(process.argv.slice(2).map((a) => a.replace(/^--/, '')));
const want = (part) => only.size === 0 || only.has(part);

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'citi-bench-'));
const baseEnv = { ...process.env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache'), NO_COLOR: '1' };
for (const k of Object.keys(baseEnv)) if (k.startsWith('CITI_')) delete baseEnv[k];

const TOKEN_PATH = '/clientCredentials/oauth2/token/sg/gcb';
const TOKEN_BODY = 'grant_type=client_credentials&scope=%2Fapi';
const basic = (id, secret) => 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');

/** `citi sandbox start --json ARGS` in a child process; resolves once it prints its URL. */
async function emulator(args = []) {
  const child = spawn(process.execPath, [bin, 'sandbox', 'start', '--json', '--quiet', ...args], { env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const line = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the emulator exited (${code}): ${stderr}`)));
  });
  const info = JSON.parse(line);
  return {
    ...info,
    pid: child.pid,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
}

/** Runs a command to completion; its wall time in ms. */
function timed(args, env) {
  const started = process.hrtime.bigint();
  const res = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 0) throw new Error(`node ${args.join(' ')} failed (${res.status}): ${res.stderr}`);
  return ms;
}

let allOk = true;
function verdict(name, ratio, target, against) {
  const ok = ratio.median <= target;
  allOk &&= ok;
  const f = (x) => x.toFixed(2).padStart(5);
  console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(30)} ${f(ratio.min)} ${f(ratio.median)} ${f(ratio.max)}   median ≤ ${target}× ${against}`);
}

async function startUp() {
  const sandbox = await emulator();
  try {
    const fileEnv = { ...baseEnv, CITI_STORE: 'file' };
    const login = (env) =>
      spawnSync(process.execPath, [bin, 'login', '--base-url', sandbox.url, '--client-id', sandbox.clientId, '--client-secret-stdin'], { env, input: sandbox.clientSecret, encoding: 'utf8' });
    const fileLogin = login(fileEnv);
    if (fileLogin.status !== 0) throw new Error(`login failed: ${fileLogin.stderr}`);
    // The keychain too, when a Secret Service is reachable (e.g. under scripts/with-keyring.sh).
    const keychainEnv = { ...baseEnv, CITI_STORE: 'keychain', CITI_PROFILE: `bench-${process.pid}` };
    const keychainLogin = login(keychainEnv);
    const keychain = keychainLogin.status === 0;
    if (!keychain) console.log(`(no keychain measurement: ${keychainLogin.stderr.split('\n')[0]})`);

    // The same POST as `citi token --force`, as a minimal script would make it with Node's fetch.
    const fetchScript = path.join(home, 'fetch-token.mjs');
    fs.writeFileSync(
      fetchScript,
      `const res = await fetch(process.argv[2], { method: 'POST', headers: { authorization: process.argv[3], 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: ${JSON.stringify(TOKEN_BODY)} });
const body = await res.json();
if (!body.access_token) process.exit(1);
console.log(body.access_token);
`,
    );
    const node0 = { args: ['-e', '0'], env: baseEnv, label: 'vs node -e 0' };
    const cases = [
      { name: 'citi --help', a: { args: [bin, '--help'], env: fileEnv }, b: node0, target: 1.3 },
      { name: 'citi --version', a: { args: [bin, '--version'], env: fileEnv }, b: node0, target: 1.2 },
      { name: 'citi token (cached, file)', a: { args: [bin, 'token'], env: fileEnv }, b: node0, target: 1.4 },
      ...(keychain ? [{ name: 'citi token (cached, keychain)', a: { args: [bin, 'token'], env: keychainEnv }, b: node0, target: 1.6 }] : []),
      {
        name: 'citi token --force (new token)',
        a: { args: [bin, 'token', '--force'], env: fileEnv },
        b: { args: [fetchScript, sandbox.url + TOKEN_PATH, basic(sandbox.clientId, sandbox.clientSecret)], env: baseEnv, label: 'vs a fetch script, same POST' },
        target: 1.2,
      },
    ];
    // Warm-up: the file cache, and on Node 22+ the compile cache.
    for (const c of cases) for (let i = 0; i < 2; i++) timed(c.a.args, c.a.env), timed(c.b.args, c.b.env);
    const ratios = cases.map(() => []);
    for (let i = 0; i < runs; i++) {
      cases.forEach((c, k) => {
        // Alternate which goes first, so neither always runs on a cooler machine.
        const [first, second] = i % 2 ? [c.b, c.a] : [c.a, c.b];
        const t1 = timed(first.args, first.env);
        const t2 = timed(second.args, second.env);
        ratios[k].push(i % 2 ? t2 / t1 : t1 / t2);
      });
    }
    console.log(`\nStart-up, node ${process.version}, ${runs} interleaved runs: ratio min median max`);
    cases.forEach((c, k) => verdict(c.name, stats(ratios[k]), c.target, c.b.label));
    if (keychain) spawnSync(process.execPath, [bin, 'logout', '--forget-profile'], { env: keychainEnv });
  } finally {
    await sandbox.stop();
  }
}

/** Resident memory of a process in MB (Linux /proc, else ps). */
function rssMb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) / 1024;
  } catch {
    return Number(spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim()) / 1024;
  }
}

async function emulatorBench() {
  const { default: autocannon } = await import('autocannon');
  const { startSandbox } = await import('../dist/sandbox/index.js');
  const { EXPIRED_KEPT_MS, SWEEP_INTERVAL_MS } = await import('../dist/sandbox/index.js');
  console.log(`\nEmulator, node ${process.version}`);

  // 1. Throughput, and memory once a burst of 5-second tokens has expired.
  const ttlMs = 5_000;
  const sandbox = await emulator(['--access-ttl', '5s']);
  try {
    const result = await autocannon({
      url: sandbox.url + TOKEN_PATH,
      connections: 16,
      amount: requests,
      method: 'POST',
      headers: { authorization: basic(sandbox.clientId, sandbox.clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: TOKEN_BODY,
    });
    if (result.non2xx || result.errors) throw new Error(`${result.non2xx} answers were not 2xx and ${result.errors} requests failed`);
    console.log(`     token requests: ${result.requests.total} in ${result.duration.toFixed(1)} s, ${Math.round(result.requests.average)} per second (16 connections), latency median ${result.latency.p50} ms`);
    const busy = rssMb(sandbox.pid);
    const pause = ttlMs + EXPIRED_KEPT_MS + 4 * SWEEP_INTERVAL_MS + 3_000;
    await new Promise((r) => setTimeout(r, pause));
    const rss = rssMb(sandbox.pid);
    const ok = rss < 150;
    allOk &&= ok;
    console.log(`${ok ? 'ok  ' : 'MISS'} emulator memory ${rss.toFixed(0)} MB ${(pause / 1000).toFixed(0)} s after the burst (${busy.toFixed(0)} MB right after it)   target < 150 MB`);
  } finally {
    await sandbox.stop();
  }

  // 2. A revocation among `requests` live tokens (filled in directly: the same state, in seconds).
  // Timed by the emulator's request log (from the request to the answer sent), and round trip.
  const logged = [];
  const s = await startSandbox({ log: (line) => logged.push(line) });
  try {
    const live = [];
    for (let i = 0; i < requests; i++) {
      const { access } = s.state.issue({ kind: 'two-legged', clientId: s.clientId, scopes: ['/api'], withRefresh: false });
      if (i % Math.floor(requests / 50) === 0) live.push(access.value);
    }
    const times = [];
    const authorization = basic(s.clientId, s.clientSecret);
    for (const token of live) {
      const started = performance.now();
      const res = await fetch(s.url + '/authCode/oauth2/revoke', {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token' }),
      });
      const body = await res.json();
      times.push(performance.now() - started);
      if (!body.revoked) throw new Error(`revocation failed: ${JSON.stringify(body)}`);
    }
    const served = logged.flatMap((l) => /^POST \S*\/authCode\/oauth2\/revoke 200 ([\d.]+)ms$/.exec(l)?.[1] ?? []).map(Number);
    // The first few warm the connection and the code.
    const [t, rt] = [stats(served.slice(5)), stats(times.slice(5))];
    const ok = t.median < 2;
    allOk &&= ok;
    const f = (x) => x.toFixed(2);
    console.log(`${ok ? 'ok  ' : 'MISS'} revocation with ${s.state.tokens.size} live tokens: ${f(t.min)} ${f(t.median)} ${f(t.max)} ms in the emulator (round trip ${f(rt.median)} ms)   median < 2 ms`);
  } finally {
    await s.close();
  }
}

try {
  if (want('cli')) await startUp();
  if (want('emulator')) await emulatorBench();
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
process.exitCode = allOk ? 0 : 1;
