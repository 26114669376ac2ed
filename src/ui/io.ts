/** The streams a command talks through; tests hand in their own. */
import fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from '../errors.js';

export interface IO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /**
   * Colours are allowed: not turned off by --no-color, FORCE_COLOR=0 or NO_COLOR. Whether a stream
   * gets them is decided per stream, by colorOn().
   */
  color: boolean;
}

export function processIO(noColor: boolean): IO {
  const env = process.env;
  // Node makes each stream on first use, and a pipe's costs start-up time: `citi --help` never
  // touches stdin or stderr, a cached `citi token` never stdin.
  let stdout: IO['stdout'] | undefined;
  let stderr: IO['stderr'] | undefined;
  return {
    get stdout() {
      return (stdout ??= syncWriter(1) ?? quietOnClosedPipe(process.stdout));
    },
    get stderr() {
      return (stderr ??= syncWriter(2) ?? quietOnClosedPipe(process.stderr));
    },
    get stdin() {
      return process.stdin;
    },
    env,
    color: colorAllowed(noColor, env),
  };
}

/**
 * Output to a pipe, socket or file (never a terminal) written straight to its descriptor. Node's own
 * stream for a pipe loads its networking modules, about a twentieth of a cached `citi token`'s
 * start-up. Our commands only ever call write() on a stream that is not a terminal; terminals keep
 * Node's stream (prompts and spinners need it). A reader that went away ends the output quietly,
 * as quietOnClosedPipe does for Node's streams.
 */
function syncWriter(fd: number): IO['stdout'] | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
  } catch {
    return undefined;
  }
  if (!stat.isFIFO() && !stat.isFile() && !stat.isSocket()) return undefined;
  let closed = false;
  const write = (chunk: string | Uint8Array, encodingOrDone?: unknown, done?: unknown): boolean => {
    if (!closed) {
      try {
        writeFully(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EPIPE') throw err;
        closed = true;
      }
    }
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    if (typeof callback === 'function') queueMicrotask(() => callback());
    return true;
  };
  return { write, isTTY: false } as unknown as IO['stdout'];
}

/** Writes all of `data`, waiting a moment whenever a non-blocking pipe is full (EAGAIN). */
function writeFully(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += fs.writeSync(fd, data, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

/** FORCE_COLOR as chalk and Node read it: unset → undefined, `0`/`false` → false, anything else → true. */
function forceColor(env: NodeJS.ProcessEnv): boolean | undefined {
  const v = env.FORCE_COLOR;
  if (v === undefined) return undefined;
  return !['0', 'false'].includes(v.trim().toLowerCase());
}

/** --no-color first, then FORCE_COLOR, then NO_COLOR (https://no-color.org). */
export function colorAllowed(noColor: boolean, env: NodeJS.ProcessEnv): boolean {
  if (noColor) return false;
  return forceColor(env) ?? !('NO_COLOR' in env && env.NO_COLOR !== '');
}

/** Colour on this stream: allowed, and the stream is a terminal (not TERM=dumb), or FORCE_COLOR says so. */
export function colorOn(io: IO, stream: 'stdout' | 'stderr'): boolean {
  if (!io.color) return false;
  if (forceColor(io.env)) return true;
  return Boolean(io[stream].isTTY) && io.env.TERM !== 'dumb';
}

/**
 * A reader that went away (`citi --help | head -1`, `citi token | true`) ends our output, not the
 * command: the write fails with EPIPE, which would otherwise be thrown as an unhandled error.
 * Later writes to the stream are dropped; the command finishes with its own exit code.
 */
const guarded = new WeakSet<NodeJS.WriteStream>();
function quietOnClosedPipe(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (guarded.has(stream)) return stream;
  guarded.add(stream);
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    throw err;
  });
  return stream;
}

/**
 * A person can answer prompts: stdin and stderr (where prompts are drawn) are terminals.
 * CITI_NO_PROMPT=1 turns prompts off even on a terminal (scripts run under `script` or tmux).
 */
export function canPrompt(io: IO): boolean {
  const off = io.env.CITI_NO_PROMPT && io.env.CITI_NO_PROMPT !== '0';
  return Boolean(io.stdin.isTTY && io.stderr.isTTY) && !off;
}

export function isCI(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CI && env.CI !== 'false' && env.CI !== '0');
}

/** Reads all of stdin as text (for --client-secret-stdin, --data @-). */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Fails at once (exit 2) when a `--…-stdin` flag was given but stdin is a terminal: the secret must
 * be piped in. `what` names it in the hint ("password", "OTP").
 */
export function requireStdinPipe(io: IO, flag: string, what: string): void {
  if (io.stdin.isTTY) throw new UsageError(`${flag} reads a pipe, but stdin is a terminal`, `Pipe the ${what} in, or leave the flag out to be asked.`);
}

/**
 * A secret piped to a `--…-stdin` flag (client secret, password, passphrase, OTP). One line: a
 * trailing newline from `echo` or a file is not part of it; `trim` also drops surrounding blanks,
 * for secrets that cannot hold any. Empty is a usage error naming the flag.
 */
export async function readSecretFromStdin(io: IO, flag: string, what: string, opts: { trim?: boolean } = {}): Promise<string> {
  requireStdinPipe(io, flag, what);
  const text = await readAll(io.stdin);
  const secret = opts.trim ? text.trim() : text.replace(/\r?\n$/, '');
  if (!secret) throw new UsageError(`${flag}: stdin was empty`);
  return secret;
}
