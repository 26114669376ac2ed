/** A real HTTP proxy in a child process (test/helpers/proxy-server.mjs), stopped after the test. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ROOT, stopAfterTest } from './cli.js';

export interface ProxyProcess {
  /** http://127.0.0.1:PORT (no credentials). */
  url: string;
  port: number;
  /** The requests the proxy received so far: `CONNECT host:port`, `POST http://…`. */
  requests(): string[];
  /** The CONNECT tunnels asked for so far, as `host:port`. */
  connects(): string[];
}

export async function proxyProcess(opts: { credentials?: string } = {}): Promise<ProxyProcess> {
  const script = path.join(ROOT, 'test', 'helpers', 'proxy-server.mjs');
  const child = spawn(process.execPath, [script, ...(opts.credentials ? [opts.credentials] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  stopAfterTest(child);
  let log = '';
  child.stderr.on('data', (c) => (log += String(c)));
  const lines: string[] = [];
  const input = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    input.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the proxy exited (${code}) before it was ready:\n${log}`)));
  });
  input.on('line', (line) => lines.push(line));
  const { port } = JSON.parse(first) as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => [...lines],
    connects: () => lines.filter((l) => l.startsWith('CONNECT ')).map((l) => l.slice('CONNECT '.length)),
  };
}
