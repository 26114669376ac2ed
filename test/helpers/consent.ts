/**
 * The emulator's sign-in and consent pages (the three-legged flow), driven as a customer would:
 * over HTTP as a browser without JavaScript, or in a real browser (a playwright page). The paths
 * are the emulator's own (src/sandbox), the users and password those of Citi's sandbox (src/citi);
 * the form's field names and element ids are written here once.
 */
import type { Page } from 'playwright-core';
import { SANDBOX_BASE_PATH } from '../../src/citi/endpoints.js';
import { CONSENT_PATH, LOGIN_PATH } from '../../src/sandbox/oauth-authorization-code.js';
import { SANDBOX_PASSWORD, SANDBOX_USERS } from '../../src/citi/sandbox-users.js';

export { SANDBOX_PASSWORD, SANDBOX_USERS };
export type Decision = 'allow' | 'deny';

export interface Customer {
  user?: string;
  password?: string;
}

/** The hidden transaction field of a sign-in page. */
export function txOf(html: string): string {
  const m = /name="tx" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error(`no hidden field tx in:\n${html}`);
  return m[1];
}

/** Where the pages post, for a page served at `url` (any URL of the emulator). */
function formUrl(url: string, path: string): string {
  return new URL(url).origin + SANDBOX_BASE_PATH + path;
}

/** Posts the sign-in form; the answer is the consent page (200) or the sign-in page again (401). */
export function signOn(url: string, tx: string, who: Customer = {}): Promise<Response> {
  const fields = { tx, username: who.user ?? SANDBOX_USERS[0], password: who.password ?? SANDBOX_PASSWORD };
  return fetch(formUrl(url, LOGIN_PATH), { method: 'POST', body: new URLSearchParams(fields) });
}

/** Posts the consent form; the answer is the redirect to the app (302), not followed. */
export function decide(url: string, tx: string, decision: Decision): Promise<Response> {
  return fetch(formUrl(url, CONSENT_PATH), { method: 'POST', body: new URLSearchParams({ tx, decision }), redirect: 'manual' });
}

/**
 * Opens an authorize URL, signs in and decides; the consent form's answer (a 302 to the app).
 * An authorize request the emulator answers at once (an error, or auto-consent) is that answer.
 */
export async function consentOverHttp(authorizeUrl: string, opts: Customer & { decision?: Decision } = {}): Promise<Response> {
  const login = await fetch(authorizeUrl, { redirect: 'manual' });
  if (login.status === 302) return login;
  const loginHtml = await login.text();
  if (login.status !== 200) throw new Error(`authorize answered ${login.status}: ${loginHtml}`);
  const tx = txOf(loginHtml);
  const signedOn = await signOn(authorizeUrl, tx, opts);
  const consentHtml = await signedOn.text();
  if (signedOn.status !== 200) throw new Error(`sign-in answered ${signedOn.status}: ${consentHtml}`);
  const done = await decide(authorizeUrl, tx, opts.decision ?? 'allow');
  if (done.status !== 302) throw new Error(`consent answered ${done.status}: ${await done.text()}`);
  return done;
}

/** In a browser page showing the sign-in page: signs in and waits for the consent page. */
export async function signOnInPage(page: Page, who: Customer = {}): Promise<void> {
  await page.fill('#username', who.user ?? SANDBOX_USERS[0]);
  await page.fill('#password', who.password ?? SANDBOX_PASSWORD);
  await page.click('#sign-on');
  await page.waitForSelector('#allow');
}

/** In a browser page showing the consent page: the signed-on user and the scopes asked for. */
export async function consentPageText(page: Page): Promise<{ user: string | null; scopes: string | null }> {
  return { user: await page.textContent('#user'), scopes: await page.textContent('#scopes') };
}

/** In a browser page showing the consent page: allows or denies. */
export async function decideInPage(page: Page, decision: Decision): Promise<void> {
  await page.click(decision === 'allow' ? '#allow' : '#deny');
}
