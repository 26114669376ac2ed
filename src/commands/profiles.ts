/** `citi profiles` and `citi profiles use NAME`: the saved profiles, the default marked, and choosing the default. */
import type { Command } from 'commander';
import type { Factory } from '../factory.js';
import { examples, factoryFor, type CommandEnv } from './shared.js';

export function register(program: Command, env: CommandEnv): void {
  const profiles = program
    .command('profiles')
    .description('List the saved profiles (the default marked *), or choose the default with `citi profiles use NAME`')
    .option('--json', 'print the list as JSON')
    .addHelpText('after', examples('citi profiles', 'citi profiles --json | jq -r \'.[] | select(.default) | .name\'', 'citi profiles use qa'))
    .action(async (opts: { json?: boolean }, cmd: Command) => runProfilesList(factoryFor(cmd, env), opts));
  profiles
    .command('list')
    .description('List the saved profiles (the same as `citi profiles`)')
    .option('--json', 'print the list as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => runProfilesList(factoryFor(cmd, env), { ...cmd.parent?.opts(), ...opts }));
  profiles
    .command('use')
    .description('Make a saved profile the default, used when neither --profile nor CITI_PROFILE is given')
    .argument('<name>', 'a saved profile')
    .addHelpText('after', examples('citi profiles use qa'))
    .action(async (name: string, _opts: unknown, cmd: Command) => runProfilesUse(factoryFor(cmd, env), name));
}

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
  const { chosenStoreKind } = await import('../config/profiles.js');
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
  const [{ printJson, printTable }, { profiles }] = await Promise.all([import('../ui/output.js'), profileSummaries(f)]);
  if (opts.json) return printJson(f.io, profiles);
  if (!profiles.length) {
    f.info(`No profile is saved yet (${f.config.file}). Create one: citi login`);
    return;
  }
  await printTable(f.io, profileRows(profiles));
}

export async function runProfilesUse(f: Factory, name: string): Promise<void> {
  const [{ style }, { colorOn }] = await Promise.all([import('../ui/style.js'), import('../ui/io.js')]);
  await f.config.setDefaultProfile(name);
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('✓')} ${s.bold(name)} is now the default profile`);
  if (f.io.env.CITI_PROFILE && f.io.env.CITI_PROFILE !== name) f.info(`  note: CITI_PROFILE=${f.io.env.CITI_PROFILE} is set in this shell and wins over the default`);
}
