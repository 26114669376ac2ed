/** The implementation of `citi revoke`, loaded when the command runs. */
import type { TokenKind } from '../citi/catalogue.js';
import type { AuthContext } from '../auth/context.js';
import type { Factory } from '../factory.js';
import { UsageError } from '../errors.js';
import { tokenKey } from '../store/tokens.js';
import { colorOn, type IO } from '../ui/io.js';
import { printJson } from '../ui/output.js';
import { style } from '../ui/style.js';
import type { RevokeOptions } from './revoke.js';

/** What `citi revoke` uses: built from the Factory by revokeDeps. */
export interface RevokeDeps {
  io: IO;
  authContext(): Promise<AuthContext>;
  info(message: string): void;
}

export function revokeDeps(f: Factory): RevokeDeps {
  return { io: f.io, authContext: () => f.authContext(), info: (m) => f.info(m) };
}

export async function runRevoke(f: RevokeDeps, opts: RevokeOptions): Promise<void> {
  const { revokeStored } = await import('../auth/revoke.js');
  const ctx = await f.authContext();
  // Customer tokens: three-legged and password-grant alike.
  const kinds: TokenKind[] = [...(opts.twoLegged ? ['two-legged' as const] : []), ...(opts.threeLegged ? ['three-legged' as const, 'password' as const] : [])];
  const cards = new Set(opts.card ?? []);
  const all = opts.all || (kinds.length === 0 && cards.size === 0);
  const stored = await ctx.tokens.all();
  for (const id of cards) {
    if (!stored[tokenKey('card', id)]) {
      const known = Object.values(stored).flatMap((r) => (r.kind === 'card' && r.cardId ? [r.cardId] : []));
      throw new UsageError(`No card token is stored for ${id}`, known.length ? `Enrolled cards: ${known.join(', ')}` : 'Enroll one with `citi card enroll`.');
    }
  }
  // What to revoke: every stored token of the chosen kinds, and the chosen cards.
  const targets = Object.entries(stored).filter(([, r]) => all || kinds.includes(r.kind) || (r.kind === 'card' && cards.has(r.cardId ?? '')));
  const results = [];
  for (const [key, record] of targets) results.push(await revokeStored(ctx, key, record));

  if (opts.json) {
    await printJson(f.io, { profile: ctx.profile.name, revoked: results.map(({ key: _k, ...r }) => r) });
    return;
  }
  const s = await style(colorOn(f.io, 'stderr'));
  if (!results.length) {
    f.info(`Nothing to revoke: no ${all ? '' : kinds.join(' or ') + ' '}tokens are stored for profile ${ctx.profile.name}`);
    return;
  }
  for (const r of results) {
    const what = `${r.kind} token (${r.scope})`;
    f.info(r.atServer ? `${s.green('✓')} Revoked ${what} at the server and forgot it` : `${s.yellow('•')} Forgot ${what}: ${r.note ?? ''}`);
  }
}
