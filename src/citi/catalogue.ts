/**
 * Which kind of token each resource API takes, and which scope it needs.
 * The client picks its token from this; the emulator enforces it.
 */
export type TokenKind = 'two-legged' | 'three-legged' | 'card';
export const TOKEN_KINDS: readonly TokenKind[] = ['two-legged', 'three-legged', 'card'];

export interface ApiEntry {
  /** A short name for help text and errors. */
  name: string;
  /** Path prefix under the base URL, matched on whole segments. */
  prefix: string;
  kind: TokenKind;
  /** Scope a three-legged or card token must carry; two-legged APIs take `/api`. */
  scope: string;
}

export const API_CATALOGUE: readonly ApiEntry[] = [
  { name: 'Onboarding', prefix: '/v1/apac/onboarding', kind: 'two-legged', scope: '/api' },
  { name: 'Pay with Points', prefix: '/v1/apac/rewards', kind: 'two-legged', scope: '/api' },
  { name: 'Accounts', prefix: '/v1/accounts', kind: 'three-legged', scope: 'accounts_details_transactions' },
  { name: 'Customers', prefix: '/v1/customers', kind: 'three-legged', scope: 'customers_profiles' },
  { name: 'Cards', prefix: '/v1/cards', kind: 'three-legged', scope: 'cards' },
  {
    name: 'Money movement',
    prefix: '/v1/moneyMovement/personalDomesticTransfers',
    kind: 'three-legged',
    scope: 'personal_domestic_transfers',
  },
  { name: 'Easy Payment Plan', prefix: '/v1/creditCards', kind: 'card', scope: 'epp_booking' },
];

/** The catalogue entry for a request path (query ignored), or undefined for an unknown API. */
export function findApi(path: string): ApiEntry | undefined {
  const bare = path.split('?')[0] ?? '';
  return API_CATALOGUE.find((e) => bare === e.prefix || bare.startsWith(e.prefix + '/'));
}

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
