/** `citi profiles`: every saved profile with where its secrets live (shared with `citi status`), and choosing the default. */
import type { ConfigStore, Profile } from '../config/profiles.js';
import type { Factory } from '../factory.js';
import type { SecretStore } from '../store/secret-store.js';
import { colorOn, type IO } from '../ui/io.js';
import { printJson, printTable } from '../ui/output.js';
import { style } from '../ui/style.js';

export interface ProfileSummary {
  name: string;
  default: boolean;
  environment: string;
  baseUrl: string;
  country: string;
  business: string;
  clientId: string;
  /** Where the profile's client secret and tokens are kept (never the secrets). */
  secrets: string;
}

/** What `citi profiles` uses: built from the Factory by profilesDeps. */
export interface ProfilesDeps {
  io: IO;
  config: ConfigStore;
  /** The store a saved profile's secrets are in this run (--store, CITI_STORE, the profile's own). */
  storeOfSaved(saved: Profile): SecretStore;
  info(message: string): void;
}

export function profilesDeps(f: Factory): ProfilesDeps {
  return { io: f.io, config: f.config, storeOfSaved: (saved) => f.storeOfSaved(saved), info: (m) => f.info(m) };
}

/** Every saved profile, by name, with where its secrets live; shared with `citi status`. */
export async function profileSummaries(f: Pick<ProfilesDeps, 'config' | 'storeOfSaved'>): Promise<{ defaultProfile?: string; profiles: ProfileSummary[] }> {
  const config = await f.config.read();
  const profiles = Object.entries(config.profiles)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, p]) => ({
      name,
      default: name === config.defaultProfile,
      environment: p.environment ?? 'custom',
      baseUrl: p.baseUrl,
      country: p.country,
      business: p.business,
      clientId: p.clientId,
      secrets: f.storeOfSaved(p).location,
    }));
  return { ...(config.defaultProfile ? { defaultProfile: config.defaultProfile } : {}), profiles };
}

/** The people's view of profileSummaries: one row each, `*` on the default. */
export function profileRows(profiles: ProfileSummary[]): Record<string, string>[] {
  return profiles.map((p) => ({
    '': p.default ? '*' : '',
    profile: p.name,
    environment: p.environment === 'custom' ? p.baseUrl : p.environment,
    market: `${p.country}/${p.business}`,
    'client ID': p.clientId,
    secrets: p.secrets,
  }));
}

export async function runProfilesList(f: ProfilesDeps, opts: { json?: boolean }): Promise<void> {
  const { profiles } = await profileSummaries(f);
  if (opts.json) return printJson(f.io, profiles);
  if (!profiles.length) {
    f.info(`No profile is saved yet (${f.config.file}). Create one: citi login`);
    return;
  }
  await printTable(f.io, profileRows(profiles));
}

export async function runProfilesUse(f: ProfilesDeps, name: string): Promise<void> {
  await f.config.setDefaultProfile(name);
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('✓')} ${s.bold(name)} is now the default profile`);
  if (f.io.env.CITI_PROFILE && f.io.env.CITI_PROFILE !== name) f.info(`  note: CITI_PROFILE=${f.io.env.CITI_PROFILE} is set in this shell and wins over the default`);
}
