/** `citi profiles`: every saved profile with where its secrets live (shared with `citi status`), and choosing the default. */
import { chosenStoreKind } from '../store/kind.js';
import type { Factory } from '../factory.js';
import { colorOn } from '../ui/io.js';
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

/** Every saved profile, by name, with where its secrets live; shared with `citi status`. */
export async function profileSummaries(f: Factory): Promise<{ defaultProfile?: string; profiles: ProfileSummary[] }> {
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
      secrets: f.secretStore(chosenStoreKind(f.globals.store, f.io.env, p) ?? 'keychain').location,
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

export async function runProfilesList(f: Factory, opts: { json?: boolean }): Promise<void> {
  const { profiles } = await profileSummaries(f);
  if (opts.json) return printJson(f.io, profiles);
  if (!profiles.length) {
    f.info(`No profile is saved yet (${f.config.file}). Create one: citi login`);
    return;
  }
  await printTable(f.io, profileRows(profiles));
}

export async function runProfilesUse(f: Factory, name: string): Promise<void> {
  await f.config.setDefaultProfile(name);
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('✓')} ${s.bold(name)} is now the default profile`);
  if (f.io.env.CITI_PROFILE && f.io.env.CITI_PROFILE !== name) f.info(`  note: CITI_PROFILE=${f.io.env.CITI_PROFILE} is set in this shell and wins over the default`);
}
