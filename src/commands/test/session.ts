/**
 * Where a suite runs: a profile (as `citi call` would use it), or an emulator of its own on loopback
 * with a private config folder and a memory store, so suites never share tokens or data and leave
 * nothing behind.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AuthContext } from '../../auth/context.js';
import { Factory } from '../../factory.js';
import type { RunningSandbox } from '../../sandbox/server.js';
import { accounts, MemoryStore } from '../../store/secret-store.js';
import type { CertSetFiles } from '../../sandbox/certs.js';
import type { SandboxSpec, Suite } from './suite.js';
import type { Variables } from './template.js';

/** The private profile a suite's own emulator is reached through. */
export const SUITE_PROFILE = 'suite';

export interface Session {
  /** The factory of the current identity (a registration switches it to the new client). */
  f: Factory;
  auth(): Promise<AuthContext>;
  /** Switches to another profile of the same private config (after a PSD2 registration). */
  useProfile(name: string): void;
  sandbox?: RunningSandbox;
  /** The suite emulator's generated certificates, when it speaks TLS. */
  certs?: CertSetFiles;
  /** Variables and captures. */
  vars: Variables;
  /** The customer a password sign-in signed in: customer APIs then take the password-grant token. */
  customer?: { username: string; password: string };
  /** Messages flows print for a person (e.g. "an OTP was sent"); shown with a failure. */
  notes: string[];
  close(): Promise<void>;
}

export interface SessionChoice {
  /** --profile, taking precedence over the suite's own. */
  profile?: string;
  /** --sandbox: every suite on an emulator of its own. */
  sandbox: boolean;
}

/** The emulator a suite runs on, or undefined when it runs with a profile. */
function sandboxFor(suite: Suite, choice: SessionChoice): SandboxSpec | undefined {
  if (choice.sandbox) return suite.sandbox ?? { tls: false, autoConsent: true, country: 'sg' };
  return choice.profile ? undefined : suite.sandbox;
}

function profileFactory(outer: Factory, suite: Suite, choice: SessionChoice): Factory {
  const profile = choice.profile ?? suite.profile;
  return new Factory(outer.io, { ...outer.globals, ...(profile ? { profile } : {}) }, outer.overrides);
}

/** Resolves the profile of a suite that runs with one, so an unknown profile is a usage error before anything runs. */
export async function checkTarget(outer: Factory, suite: Suite, choice: SessionChoice): Promise<void> {
  if (!sandboxFor(suite, choice)) await profileFactory(outer, suite, choice).profile();
}

export async function openSession(outer: Factory, suite: Suite, choice: SessionChoice): Promise<Session> {
  const spec = sandboxFor(suite, choice);
  if (spec) return sandboxSession(outer, spec);
  return session(() => profileFactory(outer, suite, choice), async () => {});
}

function session(make: (profile?: string) => Factory, close: () => Promise<void>, extra: Partial<Session> = {}): Session {
  let ctx: Promise<AuthContext> | undefined;
  const s: Session = {
    f: make(),
    vars: new Map(),
    notes: [],
    async auth() {
      // Flow messages are kept for the report instead of breaking the progress display.
      ctx ??= s.f.authContext().then((c) => ({ ...c, info: (m: string) => void s.notes.push(m) }));
      const c = await ctx;
      const customer = s.customer;
      if (!customer) return c;
      // After a password sign-in, customer APIs take that customer's password-grant token (refreshed, or signed in again, as needed).
      return { ...c, profile: { ...c.profile, customerSignIn: 'password', username: customer.username }, customerCredentials: async () => customer };
    },
    useProfile(name) {
      s.f = make(name);
      ctx = undefined;
    },
    close,
    ...extra,
  };
  return s;
}

async function sandboxSession(outer: Factory, spec: SandboxSpec): Promise<Session> {
  const [{ startSandbox }, home] = await Promise.all([import('../../sandbox/server.js'), fs.mkdtemp(path.join(os.tmpdir(), 'citi-test-'))]);
  let sandbox: RunningSandbox | undefined;
  try {
    let certs: CertSetFiles | undefined;
    if (spec.tls) {
      const { mutualTlsServerOf, writeCertSet } = await import('../../sandbox/certs.js');
      certs = await writeCertSet(path.join(home, 'certs'));
      sandbox = await startSandbox({ autoConsent: spec.autoConsent, tls: await mutualTlsServerOf(certs) });
    } else sandbox = await startSandbox({ autoConsent: spec.autoConsent });
    const env: NodeJS.ProcessEnv = { ...outer.io.env, XDG_CONFIG_HOME: path.join(home, 'config') };
    for (const k of Object.keys(env)) if (k.startsWith('CITI_') && k !== 'CITI_TIMEOUT_MS') delete env[k];
    const secrets = new MemoryStore();
    const make = (profile = SUITE_PROFILE) =>
      new Factory({ ...outer.io, env }, { profile, ...(outer.globals.verbose ? { verbose: true } : {}) }, { ...outer.overrides, secrets });
    const f = make();
    // The seeded client, over mutual TLS with the generated client certificate when the emulator asks for one.
    await f.config.saveProfile(SUITE_PROFILE, {
      baseUrl: sandbox.url,
      environment: 'custom',
      country: spec.country,
      business: 'gcb',
      clientId: sandbox.clientId,
      store: 'memory',
      ...(certs ? { tls: { cert: certs.client, key: certs.clientKey, ca: certs.ca } } : {}),
    });
    await secrets.set(accounts.clientSecret(SUITE_PROFILE), sandbox.clientSecret);
    const running = sandbox;
    return session(make, async () => {
      await running.close();
      await fs.rm(home, { recursive: true, force: true });
    }, { sandbox, ...(certs ? { certs } : {}) });
  } catch (err) {
    await sandbox?.close();
    await fs.rm(home, { recursive: true, force: true });
    throw err;
  }
}
