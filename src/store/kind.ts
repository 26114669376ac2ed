/** Where a profile's secrets live, and which setting chooses it. */
import { UsageError } from '../errors.js';

export type StoreKind = 'keychain' | 'file' | 'memory';
export const STORE_KINDS: readonly StoreKind[] = ['keychain', 'file', 'memory'];

function parseStoreKind(value: string | undefined, from: string): StoreKind | undefined {
  if (value === undefined || value === '') return undefined;
  if ((STORE_KINDS as readonly string[]).includes(value)) return value as StoreKind;
  throw new UsageError(`${from} must be one of ${STORE_KINDS.join(', ')} (got "${value}")`);
}

/** Where secrets live when a flag, CITI_STORE or the profile says (in that order); undefined when none does. */
export function chosenStoreKind(flag: string | undefined, env: NodeJS.ProcessEnv, saved?: { store?: StoreKind }): StoreKind | undefined {
  return parseStoreKind(flag, '--store') ?? parseStoreKind(env.CITI_STORE, 'CITI_STORE') ?? saved?.store;
}
