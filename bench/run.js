#!/usr/bin/env node
// Start-up benchmarks: `citi --help` and a cached `citi token`, each run as a fresh process, as a
// person or a CI script runs them. Prints median and p95 against the targets; exits 1 when a
// median misses its target. Run after `npm run build`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../dist/sandbox/server.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'citi.js');
const runs = Number(process.env.BENCH_RUNS) || 15;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'citi-bench-'));
const env = { ...process.env, XDG_CONFIG_HOME: home, NO_COLOR: '1', CITI_STORE: 'file' };
for (const k of Object.keys(env)) if (k.startsWith('CITI_') && k !== 'CITI_STORE') delete env[k];

function time(args, input, runEnv = env) {
  const started = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [bin, ...args], { env: runEnv, input, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (res.status !== 0) throw new Error(`citi ${args.join(' ')} failed (${res.status}): ${res.stderr}`);
  return ms;
}

function measure(name, targetMs, args, runEnv = env) {
  time(args, undefined, runEnv); // warm the file cache
  const samples = Array.from({ length: runs }, () => time(args, undefined, runEnv)).sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const p95 = samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)];
  const ok = median <= targetMs;
  console.log(`${ok ? 'ok  ' : 'SLOW'} ${name.padEnd(28)} median ${median.toFixed(0).padStart(4)} ms  p95 ${p95.toFixed(0).padStart(4)} ms  target ${targetMs} ms`);
  return ok;
}

const sandbox = await startSandbox({});

/** `citi login` against the emulator; asynchronous, so the emulator in this process keeps answering. */
async function login(runEnv) {
  const child = spawn(process.execPath, [bin, 'login', '--base-url', sandbox.url, '--client-id', sandbox.clientId, '--client-secret-stdin'], { env: runEnv });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  child.stdin.end(sandbox.clientSecret);
  const code = await new Promise((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`login failed: ${stderr}`);
}
let allOk = true;
try {
  await login(env);
  // The keychain too, when a Secret Service is reachable (e.g. under scripts/with-keyring.sh).
  const keychainEnv = { ...env, CITI_STORE: 'keychain', CITI_PROFILE: `bench-${process.pid}` };
  const keychain = await login(keychainEnv).then(
    () => true,
    (err) => (console.log(`(no keychain measurement: ${err.message.split('\n')[0]})`), false),
  );
  console.log(`node ${process.version}, ${runs} runs each`);
  allOk = measure('citi --help', 150, ['--help']) && allOk;
  allOk = measure('citi token (cached, file)', 200, ['token']) && allOk;
  allOk = measure('citi --version', 150, ['--version']) && allOk;
  if (keychain) {
    allOk = measure('citi token (cached, keychain)', 250, ['token'], keychainEnv) && allOk;
    spawnSync(process.execPath, [bin, 'logout', '--forget-profile'], { env: keychainEnv });
  }
} finally {
  await sandbox.close();
  fs.rmSync(home, { recursive: true, force: true });
}
process.exitCode = allOk ? 0 : 1;
