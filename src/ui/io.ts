/** The streams a command talks through; tests hand in their own. */
import type { Readable, Writable } from 'node:stream';

export interface IO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Colours on stderr/stdout when they are terminals, unless --no-color or NO_COLOR. */
  color: boolean;
}

export function processIO(noColor: boolean): IO {
  const env = process.env;
  const color = !noColor && !('NO_COLOR' in env && env.NO_COLOR !== '') && Boolean(process.stdout.isTTY || process.stderr.isTTY);
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env, color };
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
