/** The implementation of `citi status`, loaded when the command runs. */
import { UsageError } from '../errors.js';
import type { ResolvedProfile } from '../config/profiles.js';
import type { Factory } from '../factory.js';
import type { TokenStore } from '../store/tokens.js';
import { printJson, printTable } from '../ui/output.js';
import { formatDuration } from '../util/duration.js';
import { profileRows, profileSummaries, profilesDeps, type ProfilesDeps } from './profiles-run.js';

/** What `citi status` uses: built from the Factory by statusDeps. */
export interface StatusDeps extends ProfilesDeps {
  profile(): Promise<ResolvedProfile>;
  /** A profile was named (--profile or CITI_PROFILE), so failing to resolve it is an error, not "no profile yet". */
  profileNamed: boolean;
  tokens(profile: ResolvedProfile): Promise<TokenStore>;
  now(): number;
}

export function statusDeps(f: Factory): StatusDeps {
  return {
    ...profilesDeps(f),
    profile: () => f.profile(),
    profileNamed: Boolean(f.globals.profile || f.io.env.CITI_PROFILE),
    tokens: (profile) => f.tokens(profile),
    now: () => f.now(),
  };
}

export async function runStatus(f: StatusDeps, opts: { json?: boolean }): Promise<void> {
  const { defaultProfile, profiles } = await profileSummaries(f);
  const overview = { configFile: f.config.file, ...(defaultProfile ? { defaultProfile } : {}), profiles };
  // Before any login (or with a default that is gone) there is no profile to show tokens for: say so, exit 0.
  const profile = await f.profile().catch((err: unknown) => {
    if (err instanceof UsageError && !f.profileNamed) return undefined;
    throw err;
  });
  if (!profile) {
    if (opts.json) return printJson(f.io, { ...overview, profile: null, tokens: [] });
    f.info(`Config: ${f.config.file}`);
    if (!profiles.length) return f.info('No profile is saved yet: run `citi login` (or set CITI_CLIENT_ID and CITI_CLIENT_SECRET).');
    await printTable(f.io, profileRows(profiles));
    f.info('No profile in use: choose the default with `citi profiles use NAME`, or give --profile NAME.');
    return;
  }
  const tokens = await f.tokens(profile);
  const store = tokens.secrets.location;
  const now = f.now();
  const seconds = (at: number | undefined) => (at === undefined ? null : Math.max(0, Math.round((at - now) / 1000)));
  const rows = Object.entries(await tokens.all())
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, r]) => ({
      key,
      kind: r.kind,
      scope: r.scope,
      ...(r.cardId ? { cardId: r.cardId } : {}),
      ...(r.kind === 'password' && r.meta?.username ? { username: r.meta.username } : {}),
      expiresAt: new Date(r.expiresAt).toISOString(),
      expiresIn: seconds(r.expiresAt),
      refreshable: Boolean(r.refreshToken),
      refreshExpiresAt: r.refreshExpiresAt !== undefined ? new Date(r.refreshExpiresAt).toISOString() : null,
      refreshExpiresIn: seconds(r.refreshExpiresAt),
    }));
  if (opts.json) {
    await printJson(f.io, { ...overview, profile: profile.name, baseUrl: profile.baseUrl, clientId: profile.clientId, store, tokens: rows });
    return;
  }
  f.info(`Config: ${f.config.file}`);
  if (profiles.length) await printTable(f.io, profileRows(profiles));
  f.info(`Profile ${profile.name}${profile.fromEnv ? ' (from CITI_CLIENT_ID)' : ''}: client ${profile.clientId} on ${profile.baseUrl}`);
  if (!rows.length) {
    f.info(`No tokens stored (${store}).`);
    return;
  }
  const life = (at: string | null, secs: number | null) => (at === null ? '' : secs ? formatDuration(secs * 1000) : 'expired');
  const table = rows.map((r) => ({
    kind: r.kind,
    scopes: r.cardId ?? (r.username ? `${r.scope} (${r.username})` : r.scope),
    'expires in': life(r.expiresAt, r.expiresIn),
    'refresh expires in': r.refreshable ? life(r.refreshExpiresAt, r.refreshExpiresIn) || 'no expiry given' : '—',
    stored: store,
  }));
  await printTable(f.io, table);
}
