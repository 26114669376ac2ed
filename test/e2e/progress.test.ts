/**
 * Progress on waits, through the built binary: on a real terminal (tmux) a spinner with the time
 * left while the browser sign-in is awaited, and a line per retry; through a pipe, none of it.
 */
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';
import { requireTmux, terminal } from '../helpers/tmux.js';
import { AUTHORIZE_URL, followAuthorize, setup, startCli } from '../helpers/three-legged-cli.js';

const hasTmux = await requireTmux();

function personEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out.CI; // a person at a terminal
  return out;
}

const RETRY_ARGS = ['call', 'GET', '/v1/apac/onboarding/products', '--header', 'sandbox-fault: 503'];

describe.skipIf(!hasTmux)('progress on a terminal', () => {
  it('a spinner counts down the sign-in wait, and is gone once the browser came back', async () => {
    const { env } = await setup(['--auto-consent']);
    const t = await terminal([process.execPath, BIN, 'token', '--three-legged', '--no-browser', '--timeout', '2m'], personEnv(env), ROOT);
    const waiting = await t.waitFor(/Waiting for the sign-in in the browser: 1m \d+s left/);
    const url = AUTHORIZE_URL.exec(waiting)?.[1];
    expect(url).toBeDefined();
    expect((await followAuthorize(url!)).code).toBeTruthy();
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).not.toContain('Waiting for the sign-in in the browser:');
  });

  it('each retry of a failing call gets a line', async () => {
    const { env, sb } = await setup();
    const t = await terminal([process.execPath, BIN, ...RETRY_ARGS], personEnv(env), ROOT);
    expect(await t.exitCode()).toBe(1);
    const origin = new URL(sb.url).origin;
    expect(await t.screen()).toContain(`503 from ${origin}; retrying 1/2…\n503 from ${origin}; retrying 2/2…\n`);
  });
});

describe('no progress through a pipe', () => {
  it('no spinner and no cursor codes on a stderr that is not a terminal; retries are plain lines', async () => {
    const { env, cli, sb } = await setup(['--auto-consent']);
    const run = startCli(['token', '--three-legged', '--no-browser', '--timeout', '2m'], personEnv(env));
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);
    await followAuthorize(url!);
    const signedIn = await run.done;
    expect(signedIn.code).toBe(0);
    const failed = await cli(RETRY_ARGS);
    expect(failed.code).toBe(1);
    for (const stderr of [signedIn.stderr, failed.stderr]) {
      expect(stderr).not.toContain('left');
      expect(stderr).not.toContain('\u001b[');
    }
    const origin = new URL(sb.url).origin;
    expect(failed.stderr.split('\n').filter((l) => l.includes('retrying'))).toEqual([`503 from ${origin}; retrying 1/2…`, `503 from ${origin}; retrying 2/2…`]);
  });
});
