/**
 * `citi card enroll` and `citi card activate` at a real terminal: the built binary inside tmux,
 * against `citi sandbox start` in a child process, typing OTPs into the masked prompt.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, spawnCli, tempConfigHome, testEnv } from '../helpers/cli.js';
import { sandboxProcess, type SandboxProcess } from '../helpers/sandbox.js';
import { requireTmux, terminal } from '../helpers/tmux.js';

const hasTmux = await requireTmux();

async function rig() {
  const home = await tempConfigHome();
  const sb = await sandboxProcess([], testEnv(home));
  const env = testEnv(home, {
    CITI_BASE_URL: sb.url,
    CITI_CLIENT_ID: sb.clientId,
    CITI_CLIENT_SECRET: sb.clientSecret,
    CITI_PROFILE: `card-tty-${randomUUID()}`,
    // Tokens in a private plaintext file: this suite is about the terminal, the keychain has its own.
    CITI_STORE: 'file',
  });
  // A person at a terminal: nothing that would turn prompts off.
  delete env.CI;
  delete env.CITI_NO_PROMPT;
  return { sb, env };
}

/** The OTP the emulator logged for the newest enrollment. */
async function lastOtp(sb: SandboxProcess): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const all = [...sb.log().matchAll(/OTP (\d{6}) sent to/g)];
    if (all.length) return all.at(-1)![1]!;
    if (Date.now() > deadline) throw new Error(`no OTP in the emulator log:\n${sb.log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const wrongOtp = (right: string) => (right === '111111' ? '222222' : '111111');

describe.skipIf(!hasTmux)('citi card at a terminal (tmux)', () => {
  it('asks for the OTP (masked, six digits), says so when it is wrong, and enrolls with the right one', async () => {
    const { sb, env } = await rig();
    const t = await terminal([process.execPath, BIN, 'card', 'enroll', '--country', 'hk', '--last4', '8653', '--phone', '6590020056'], env, ROOT);
    await t.waitFor("An OTP was sent to the card holder's phone ******0056.");
    // The controlFlowId lives five minutes: the prompt says how long is left.
    await t.waitFor(/OTP sent to \*{6}0056 \(expires in 4m \d+s\)/);
    const right = await lastOtp(sb);
    const wrong = wrongOtp(right);

    // Checked before sending: not six digits.
    await t.type('12ab');
    await t.waitFor('The OTP is six digits');
    await t.keys('BSpace', 'BSpace', 'BSpace', 'BSpace');
    expect(sb.log()).not.toMatch(/cardAuth\/oauth2\/token/);

    await t.type(wrong);
    await t.waitFor('Wrong OTP: 2 tries left.');
    await t.waitFor(/OTP sent to \*{6}0056 \(try 2 of 3, expires in 4m \d+s\)/);
    expect(sb.log()).toMatch(/POST \/gcb\/api\/cardAuth\/oauth2\/token\/HK\/gcb 400/);

    await t.type(right);
    await t.waitFor(/✓ Card XXXX-XXXX-XXXX-8653 enrolled as CARD-8653-0001 \(scope epp_booking\)/);
    expect(await t.exitCode()).toBe(0);
    const screen = await t.screen();
    // Masked while typed: the digits never appear on the screen.
    expect(screen).not.toContain(right);
    expect(screen).not.toContain(wrong);
    expect(screen).toMatch(/OTP sent to \*{6}0056 \(try 2 of 3, expires in 4m \d+s\) \*{6}/);

    const list = await spawnCli(['card', 'list', '--json'], { env });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject([{ cardId: 'CARD-8653-0001', status: 'ENROLLED', country: 'hk' }]);
  });

  it('gives up after three wrong OTPs with exit 3 and stores nothing', async () => {
    const { sb, env } = await rig();
    const t = await terminal([process.execPath, BIN, 'card', 'enroll', '--last4', '8653', '--phone', '6590020056'], env, ROOT);
    await t.waitFor('OTP sent to ******0056');
    const wrong = wrongOtp(await lastOtp(sb));
    await t.type(wrong);
    await t.waitFor('Wrong OTP: 2 tries left.');
    await t.type(wrong);
    await t.waitFor('Wrong OTP: 1 try left.');
    await t.type(wrong);
    await t.waitFor('error: Wrong OTP 3 times; the enrollment is cancelled');
    await t.waitFor('Run `citi card enroll` again to get a new OTP.');
    expect(await t.exitCode()).toBe(3);
    expect([...sb.log().matchAll(/cardAuth\/oauth2\/token\/SG\/gcb 400/g)]).toHaveLength(3);
    const list = await spawnCli(['card', 'list', '--json'], { env });
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('offers a choice of card to activate when several are enrolled', async () => {
    const { env } = await rig();
    expect((await spawnCli(['card', 'enroll', '--last4', '8653', '--phone', '6590020056'], { env: { ...env, CITI_OTP: '987654' } })).code).toBe(0);
    expect((await spawnCli(['card', 'enroll', '--last4', '4417', '--phone', '85291234567'], { env: { ...env, CITI_OTP: '987654' } })).code).toBe(0);
    const t = await terminal([process.execPath, BIN, 'card', 'activate'], env, ROOT);
    await t.waitFor('Card to activate');
    await t.waitFor('CARD-4417-0002  XXXX-XXXX-XXXX-4417  ENROLLED');
    await t.keys('Down');
    await t.keys('Enter');
    await t.waitFor('✓ Card CARD-4417-0002 XXXX-XXXX-XXXX-4417: ACTIVE');
    expect(await t.exitCode()).toBe(0);
    const list = await spawnCli(['card', 'list', '--json'], { env });
    expect((JSON.parse(list.stdout) as { cardId: string; status: string }[]).map((c) => `${c.cardId} ${c.status}`)).toEqual([
      'CARD-8653-0001 ENROLLED',
      'CARD-4417-0002 ACTIVE',
    ]);
  });
});
