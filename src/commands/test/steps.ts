/**
 * What each kind of step does, through the project's own flows and HTTP client: sign-ins store
 * their tokens where `citi call` finds them, calls take their token like `citi call` does.
 */
import { Writable } from 'node:stream';
import { threeLeggedToken, type BrowserLoginOptions } from '../../auth/authorization-code.js';
import { authorizedRequest } from '../../auth/bearer.js';
import { activateCard, DEFAULT_CARD_SCOPE, enrollCard, type OtpSource } from '../../auth/card.js';
import { twoLeggedToken } from '../../auth/client-credentials.js';
import { passwordToken } from '../../auth/password.js';
import { findApi } from '../../citi/catalogue.js';
import { isLoopbackHost } from '../../config/profiles.js';
import { UsageError } from '../../errors.js';
import { Factory } from '../../factory.js';
import { noBrowserReason } from '../../ui/browser.js';
import type { HttpRequest, HttpResponse } from '../../http/client.js';
import { redactBody, redactHeaders, redactUrl } from '../../http/redact.js';
import type { TokenRecord } from '../../store/tokens.js';
import type { Session } from './session.js';
import type { RequestSpec, SignIn, StepAction } from './suite.js';
import { fillDeep, fillText } from './template.js';

/** A request and its answer as a report shows them: secrets replaced. */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; body?: string; durationMs: number };
}

export type StepOutcome =
  /** A sign-in or registration: a summary to capture from (never a token). */
  | { kind: 'summary'; value: Record<string, unknown>; durationMs: number }
  | { kind: 'answer'; res: HttpResponse; exchange: Exchange; method: string; path: string };

export async function runAction(s: Session, action: StepAction, env: NodeJS.ProcessEnv, exchange: (e: Exchange) => void): Promise<StepOutcome> {
  const started = performance.now();
  const summary = (value: Record<string, unknown>): StepOutcome => ({ kind: 'summary', value, durationMs: performance.now() - started });
  switch (action.kind) {
    case 'signIn':
      return summary(await signIn(s, action.signIn, env));
    case 'register':
      return summary(await registerClient(s, action.register, env));
    case 'request':
      return call(s, action.request, env, exchange);
  }
}

function tokenSummary(r: TokenRecord): Record<string, unknown> {
  return { kind: r.kind, scope: r.scope, expiresAt: new Date(r.expiresAt).toISOString(), ...(r.cardId ? { cardId: r.cardId } : {}) };
}

async function signIn(s: Session, spec: SignIn, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const ctx = await s.auth();
  const text = (v: string | undefined) => (v === undefined ? undefined : fillText(v, s.vars, env));
  switch (spec.flow) {
    case 'two-legged': {
      const scope = text(spec.scope);
      return tokenSummary((await twoLeggedToken(ctx, { force: true, ...(scope ? { scope } : {}) })).record);
    }
    case 'three-legged': {
      const scope = text(spec.scope);
      const { record } = await threeLeggedToken(ctx, { force: true, ...(scope ? { scope } : {}), login: browserFor(s, ctx.profile.baseUrl) });
      return tokenSummary(record);
    }
    case 'password': {
      // The suite's own emulator knows its sandbox customers; elsewhere the step or the environment names one.
      const own = s.sandbox ? await import('../../citi/sandbox-users.js') : undefined;
      const username = text(spec.username) ?? own?.SANDBOX_USERS[0] ?? env.CITI_USERNAME;
      const password = text(spec.password) ?? own?.SANDBOX_PASSWORD ?? env.CITI_PASSWORD;
      if (!username || !password) {
        throw new UsageError('The password sign-in needs the customer\'s user ID and password: set CITI_USERNAME and CITI_PASSWORD, or give username and password: "{{env.NAME}}" in the step');
      }
      const customer = { username, password };
      const { record } = await passwordToken(ctx, { username, credentials: async () => customer, force: true });
      s.customer = customer;
      return { ...tokenSummary(record), username };
    }
    case 'card': {
      const otp: OtpSource = async ({ controlFlowId }) => {
        if (spec.otp !== undefined) return fillText(spec.otp, s.vars, env);
        if (s.sandbox) {
          // The suite's own emulator: read the OTP it "texted" (its log), as the card holder would.
          const { sentOtp } = await import('../../sandbox/oauth-card.js');
          const sent = sentOtp(s.sandbox.state, controlFlowId);
          if (sent) return sent;
        }
        if (env.CITI_OTP) return env.CITI_OTP;
        throw new UsageError('The card sign-in needs the OTP: set CITI_OTP, or give otp: "{{env.NAME}}" in the step');
      };
      const record = await enrollCard(
        ctx,
        {
          country: text(spec.country) ?? ctx.profile.country,
          business: text(spec.business) ?? ctx.profile.business,
          lastFour: fillText(spec.last4, s.vars, env),
          phone: fillText(spec.phone, s.vars, env),
          scope: text(spec.scope) ?? DEFAULT_CARD_SCOPE,
          ...(spec.merchantRef !== undefined ? { merchantRef: fillText(spec.merchantRef, s.vars, env) } : {}),
        },
        otp,
        { maxTries: 1 },
      );
      const final = spec.activate ? await activateCard(ctx, record.cardId) : record;
      return { ...tokenSummary(final), maskedNumber: final.meta?.maskedNumber, status: final.meta?.status };
    }
  }
}

/**
 * How a three-legged sign-in reaches consent without a person: an emulator on loopback with
 * auto-consent redirects at once, so following its redirect is enough; elsewhere only a real browser can.
 */
function browserFor(s: Session, baseUrl: string): BrowserLoginOptions {
  if (s.sandbox || isLoopbackHost(new URL(baseUrl).hostname)) return { openBrowser: followAutoConsent, timeoutMs: 15_000, openerOnly: true };
  const why = noBrowserReason(s.f.io.env);
  if (why) {
    throw new UsageError(
      `A three-legged sign-in needs a browser, and none can be opened here (${why})`,
      'Run the suite on an emulator with auto-consent (sandbox: true, or `citi sandbox start --auto-consent`), or sign in first with `citi token --three-legged`.',
    );
  }
  return { openBrowser: (url) => s.f.openBrowser(url), timeoutMs: 180_000 };
}

async function followAutoConsent(url: string): Promise<void> {
  const res = await fetch(url, { redirect: 'manual' });
  const to = res.headers.get('location');
  if (res.status < 300 || res.status >= 400 || !to) {
    throw new UsageError(`The authorize page answered ${res.status} instead of redirecting: the emulator must run with --auto-consent`);
  }
  await (await fetch(to)).arrayBuffer();
}

async function registerClient(s: Session, spec: { name?: string; country?: string }, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const certs = s.certs;
  if (!certs || !s.sandbox) throw new UsageError("register needs the suite's own TLS emulator: sandbox: {tls: true}");
  const { clientRegisterDeps, runClientRegister } = await import('../client-run.js');
  const profile = 'psd2';
  // The command's own lines would break the progress display: its output is dropped, the saved profile is read back.
  const quiet = new Factory({ ...s.f.io, stdout: discard(), stderr: discard() }, { ...s.f.globals, profile }, s.f.overrides);
  await runClientRegister(clientRegisterDeps(quiet), {
    baseUrl: s.sandbox.url,
    cert: certs.client,
    key: certs.clientKey,
    ca: certs.ca,
    ...(spec.name !== undefined ? { name: fillText(spec.name, s.vars, env) } : {}),
    ...(spec.country !== undefined ? { country: fillText(spec.country, s.vars, env) } : {}),
  });
  s.useProfile(profile);
  const p = await s.f.profile();
  return { clientId: p.clientId, baseUrl: p.baseUrl, country: p.country };
}

function discard(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}

async function call(s: Session, spec: RequestSpec, env: NodeJS.ProcessEnv, exchange: (e: Exchange) => void): Promise<StepOutcome> {
  const strings = (o: Record<string, string | number | boolean> | undefined) =>
    Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, typeof v === 'string' ? fillText(v, s.vars, env) : String(v)]));
  const path = fillText(spec.path, s.vars, env);
  const body = spec.body !== undefined ? fillDeep(spec.body, s.vars, env) : undefined;
  const method = (spec.method ?? (body !== undefined ? 'POST' : 'GET')).toUpperCase();
  const query = strings(spec.query);
  const headers = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...strings(spec.headers) };
  const api = findApi(path, method);
  const kind = spec.auth ?? api?.kind ?? 'two-legged';
  const card = spec.card !== undefined ? fillText(spec.card, s.vars, env) : undefined;
  const ctx = await s.auth();
  const req: Omit<HttpRequest, 'bearer'> = { method, path, query, headers, ...(body !== undefined ? { json: body } : {}) };
  const url = new URL(ctx.http.urlFor(path));
  for (const [k, v] of Object.entries(query)) url.searchParams.append(k, v);
  const shown: Exchange = {
    request: {
      method,
      url: redactUrl(url.toString()),
      // The client adds these on the way out (a fresh uuid each time); shown as they go.
      headers: redactHeaders({ ...headers, ...(kind !== 'none' ? { authorization: 'Bearer …', client_id: ctx.profile.clientId } : {}) }),
      ...(body !== undefined ? { body: redactBody(JSON.stringify(body), 'application/json') } : {}),
    },
  };
  exchange(shown);
  const res = await authorizedRequest(ctx, kind === 'none' ? { kind } : { kind, ...(api ? { api } : {}), ...(card ? { cardId: card } : {}) }, req);
  shown.response = {
    status: res.status,
    durationMs: Math.round(res.durationMs),
    ...(res.text ? { body: redactBody(res.text, typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined) } : {}),
  };
  return { kind: 'answer', res, exchange: shown, method, path };
}
