/**
 * Kinds of token and the scopes each takes: a small module of its own, so that help texts can name
 * them without loading the API catalogue (catalogue.ts re-exports all of it).
 */
/** `password`: a customer token from the password grant (headless), used where a three-legged one is. */
export type TokenKind = 'two-legged' | 'three-legged' | 'card' | 'password';
export const TOKEN_KINDS: readonly TokenKind[] = ['two-legged', 'three-legged', 'card', 'password'];

/** Scopes Citi issues, by kind of token. */
export const SCOPES = {
  twoLegged: ['/api'],
  threeLegged: [
    'accounts_details_transactions',
    'customers_profiles',
    'cards',
    'pay_with_points',
    'payees',
    'personal_domestic_transfers',
    'onboarding',
    'reference_data',
    'statements_and_advices',
    'meta_data',
  ],
  card: ['epp_booking', 'lop_booking', 'Card_Purchase'],
} as const;

/** Normalises a scope list (space or comma separated) to a sorted, de-duplicated, space-joined string. */
export function normaliseScopes(scopes: string | readonly string[]): string {
  const list = typeof scopes === 'string' ? scopes.split(/[\s,]+/) : scopes;
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))].sort().join(' ');
}
