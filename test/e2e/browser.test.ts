/**
 * A real browser: playwright-core drives Debian's Chromium through the emulator's sign-in and
 * consent pages while `citi token --three-legged --no-browser` waits in a child process.
 * Tokens go to the real keychain when a Secret Service is reachable (scripts/with-keyring.sh).
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { KeychainStore } from '../../src/store/keychain-store.js';
import type { TokenMap } from '../../src/store/tokens.js';
import { onCleanup } from '../helpers/cli.js';
import { consentPageText, decideInPage, signOnInPage } from '../helpers/consent.js';
import { inCI, secretServiceAvailable } from '../helpers/keychain.js';
import { AUTHORIZE_URL, setup, startCli, storedTokens } from '../helpers/three-legged-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (inCI) throw new Error(`CI=true but ${CHROMIUM} is missing: the browser tests must run in CI`);
  console.warn(`skipping the browser tests: ${CHROMIUM} is missing (install Debian's chromium package)`);
}
const keychain = (await secretServiceAvailable()).ok;
if (!keychain) console.warn('browser tests: no Secret Service, tokens go to a --store file (run under scripts/with-keyring.sh for the keychain)');

async function browser(): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'citi-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  onCleanup(async () => {
    await context.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  return context;
}

describe.skipIf(!haveChromium)('three-legged sign-in in a real browser (Chromium)', () => {
  let profile: string;
  beforeAll(() => {
    profile = `browser-${randomUUID().slice(0, 8)}`;
  });

  async function stored(home: string): Promise<TokenMap> {
    return storedTokens(home, profile, keychain ? new KeychainStore(5000) : undefined);
  }

  it("signs in as SandboxUser2, allows, and `citi call GET /v1/accounts --table` shows that user's accounts; Deny exits 3", async () => {
    const { env, home, cli } = await setup([], [], { store: keychain ? 'keychain' : 'file', profile });
    onCleanup(async () => {
      await cli(['logout']);
    });
    const run = startCli(['token', '--three-legged', '--no-browser', '--scope', 'accounts_details_transactions customers_profiles'], env);
    const [, url] = await run.waitForStderr(AUTHORIZE_URL);

    const context = await browser();
    const page = await context.newPage();
    await page.goto(url!);
    expect(await page.title()).toBe('Sign on to Citi · Citi sandbox emulator');
    await signOnInPage(page, { user: 'SandboxUser2' });
    const shown = await consentPageText(page);
    expect(shown.user).toBe('SandboxUser2');
    expect(shown.scopes).toContain('accounts_details_transactions');
    expect(shown.scopes).toContain('customers_profiles');
    await decideInPage(page, 'allow');
    await page.waitForSelector('text=Signed in');
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback\?code=/);
    expect(await page.textContent('body')).toContain('You can close this tab and return to the terminal.');

    const res = await run.done;
    expect(res.code).toBe(0);
    const tokens = Object.values(await stored(home)).filter((t) => t.kind === 'three-legged');
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.scope).toBe('accounts_details_transactions customers_profiles');
    expect(tokens[0]!.accessToken).toBe(res.stdout.trim());

    const accounts = await cli(['call', 'GET', '/v1/accounts', '--table']);
    expect(accounts.code).toBe(0);
    for (const id of ['SAV20011285', 'CHK20021496', 'CCA20041918']) expect(accounts.stdout).toContain(id);
    expect(accounts.stdout).not.toContain('SAV10011248'); // SandboxUser1's
    expect(accounts.stdout).toContain('Citi Rewards Card');
    expect(accounts.stderr).not.toContain('Signing in');

    // Deny: a new sign-in (--force), refused on the consent page.
    const denied = startCli(['token', '--three-legged', '--no-browser', '--force'], env);
    const [, url2] = await denied.waitForStderr(AUTHORIZE_URL);
    await page.goto(url2!);
    await signOnInPage(page, { user: 'SandboxUser2' });
    await decideInPage(page, 'deny');
    await page.waitForSelector('text=Sign-in failed');
    expect(await page.textContent('body')).toContain('Consent was denied in the browser (access_denied)');
    const refused = await denied.done;
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('error: Consent was denied in the browser (access_denied): The customer denied the request');
    // The earlier token is still there.
    expect(Object.values(await stored(home)).filter((t) => t.kind === 'three-legged')).toHaveLength(1);
  }, 60_000);
});
