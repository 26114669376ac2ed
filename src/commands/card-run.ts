/** The implementation of `citi card`, loaded when the command runs. */
import { activateCard, DEFAULT_CARD_SCOPE, enrolledCards, enrollCard, type OtpSource } from '../auth/card.js';
import { isOtp, OTP_ATTEMPTS } from '../citi/card.js';
import { SCOPES, normaliseScopes } from '../citi/scopes.js';
import { checkBusiness, checkCountry } from '../config/profiles.js';
import { UsageError } from '../errors.js';
import type { AuthContext } from '../auth/context.js';
import type { Factory } from '../factory.js';
import { inStore } from '../store/secret-store.js';
import type { TokenRecord } from '../store/tokens.js';
import { canPrompt, colorOn, readSecretFromStdin, requireStdinPipe, type IO } from '../ui/io.js';
import type { Prompter } from '../ui/prompt.js';
import { printJson, printTable, writeLine } from '../ui/output.js';
import { style } from '../ui/style.js';
import { formatDuration } from '../util/duration.js';
import type { EnrollOptions } from './card.js';

/** What `citi card` uses: built from the Factory by cardDeps. */
export interface CardDeps {
  io: IO;
  authContext(): Promise<AuthContext>;
  prompter(): Prompter;
  now(): number;
  info(message: string): void;
}

export function cardDeps(f: Factory): CardDeps {
  return { io: f.io, authContext: () => f.authContext(), prompter: () => f.prompter(), now: () => f.now(), info: (m) => f.info(m) };
}

/** Where the OTP comes from, decided before anything is sent: never wait for a person who is not there. */
function otpSource(f: Pick<CardDeps, 'io' | 'prompter'>, opts: EnrollOptions): { source: OtpSource; tries: number } {
  const given = [opts.otp !== undefined && '--otp', opts.otpStdin && '--otp-stdin'].filter(Boolean);
  if (given.length > 1) throw new UsageError('Give the OTP one way: --otp or --otp-stdin');
  const fixed = (value: string, from: string): { source: OtpSource; tries: number } => {
    if (!isOtp(value.trim())) throw new UsageError(`${from} must be the six-digit OTP`);
    return { source: async () => value.trim(), tries: 1 };
  };
  if (opts.otp !== undefined) return fixed(opts.otp, '--otp');
  if (opts.otpStdin) {
    requireStdinPipe(f.io, '--otp-stdin', 'OTP');
    return {
      // Read once the OTP has been sent, so a script can pipe in what the phone (or emulator log) received.
      source: async () => {
        const text = await readSecretFromStdin(f.io, '--otp-stdin', 'OTP', { trim: true });
        if (!isOtp(text)) throw new UsageError('--otp-stdin: stdin is not a six-digit OTP');
        return text;
      },
      tries: 1,
    };
  }
  if (f.io.env.CITI_OTP) return fixed(f.io.env.CITI_OTP, 'CITI_OTP');
  if (canPrompt(f.io)) {
    const prompter = f.prompter();
    return {
      source: ({ maskedPhone, attempt, expiresAt }) =>
        prompter.password(`OTP sent to ${maskedPhone} (${attempt > 1 ? `try ${attempt} of ${OTP_ATTEMPTS}, ` : ''}expires in ${formatDuration(expiresAt - Date.now())})`, {
          validate: (v) => (isOtp(v.trim()) ? true : 'The OTP is six digits'),
        }),
      tries: OTP_ATTEMPTS,
    };
  }
  throw new UsageError(
    'No OTP given and no terminal to ask for it',
    'Pipe it to --otp-stdin, set CITI_OTP, or give --otp CODE (on the emulator, 987654 is always accepted).',
  );
}

export async function runCardEnroll(f: CardDeps, opts: EnrollOptions): Promise<void> {
  const lastFour = opts.last4.trim();
  if (!/^\d{4}$/.test(lastFour)) throw new UsageError(`--last4 must be four digits (got "${opts.last4}")`);
  const phone = opts.phone.trim();
  const digits = phone.replace(/[\s()-]/g, '');
  // The number is not echoed back: it is personal data, masked everywhere else.
  if (!/^\+?\d{6,15}$/.test(digits)) throw new UsageError('--phone must be a phone number of 6 to 15 digits');
  const scope = normaliseScopes(opts.scope ?? DEFAULT_CARD_SCOPE);
  const unknown = scope.split(' ').find((s) => !(SCOPES.card as readonly string[]).includes(s));
  if (!scope || unknown) throw new UsageError(`Unknown card scope "${unknown ?? opts.scope}"`, `Use ${SCOPES.card.join(', ')}.`);
  const { source, tries } = otpSource(f, opts);

  const ctx = await f.authContext();
  const country = checkCountry(opts.country ?? ctx.profile.country);
  const business = checkBusiness(opts.business ?? ctx.profile.business);

  const record = await enrollCard(
    ctx,
    { country, business, lastFour, phone: digits, scope, ...(opts.merchantRef ? { merchantRef: opts.merchantRef } : {}) },
    source,
    { maxTries: tries },
  );
  if (opts.json) {
    await printJson(f.io, cardSummary(record));
    return;
  }
  writeLine(f.io.stdout, record.cardId);
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('✓')} Card ${record.meta?.maskedNumber} enrolled as ${s.bold(record.cardId!)} (scope ${record.scope}); token kept ${inStore(ctx.tokens.secrets)}`);
  f.info(`  next: citi card activate --card ${record.cardId}`);
}

export async function runCardActivate(f: CardDeps, opts: { card?: string; json?: boolean }): Promise<void> {
  const ctx = await f.authContext();
  let cardId = opts.card;
  // Several cards and a person at the terminal: let them pick; otherwise cardRecord says what is wrong.
  const cards = cardId ? [] : await enrolledCards(ctx);
  if (cards.length > 1 && canPrompt(f.io)) {
    cardId = await f.prompter().select(
      'Card to activate',
      cards.map((r) => ({ name: `${r.cardId}  ${r.meta?.maskedNumber ?? ''}  ${r.meta?.status ?? ''}`.trim(), value: r.cardId! })),
    );
  }
  const record = await activateCard(ctx, cardId);
  if (opts.json) {
    await printJson(f.io, { cardId: record.cardId, status: record.meta?.status });
    return;
  }
  const s = await style(colorOn(f.io, 'stderr'));
  f.info(`${s.green('✓')} Card ${s.bold(record.cardId!)} ${record.meta?.maskedNumber ?? ''}: ${record.meta?.status}`);
}

export async function runCardList(f: CardDeps, opts: { json?: boolean }): Promise<void> {
  const ctx = await f.authContext();
  const cards = (await enrolledCards(ctx)).map(cardSummary);
  if (opts.json) {
    await printJson(f.io, cards);
    return;
  }
  if (!cards.length) {
    f.info('No card is enrolled. Enroll one: citi card enroll --last4 ... --phone ...');
    return;
  }
  const now = f.now();
  const rows = cards.map((c) => ({
    cardId: c.cardId,
    card: c.maskedNumber,
    status: c.status,
    scope: c.scope,
    'token expires': c.expiresAt ? expiry(Date.parse(c.expiresAt) - now, c.refreshExpiresAt ? Date.parse(c.refreshExpiresAt) - now : 0) : '',
  }));
  await printTable(f.io, rows);
}

function expiry(accessMs: number, refreshMs: number): string {
  if (accessMs > 0) return `in ${formatDuration(accessMs)}`;
  return refreshMs > 0 ? 'expired (refreshable)' : 'expired (enroll again)';
}

/** A card record as shown to people and scripts: no token, no full phone number. */
function cardSummary(r: TokenRecord) {
  return {
    cardId: r.cardId,
    maskedNumber: r.meta?.maskedNumber,
    status: r.meta?.status ?? 'ENROLLED',
    scope: r.scope,
    country: r.meta?.country,
    expiresAt: new Date(r.expiresAt).toISOString(),
    ...(r.refreshExpiresAt ? { refreshExpiresAt: new Date(r.refreshExpiresAt).toISOString() } : {}),
  };
}
