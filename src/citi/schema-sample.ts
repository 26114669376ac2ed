/**
 * Deterministic sample values for a JSON Schema: the emulator's answers for catalogued endpoints
 * and the example request bodies of `citi apis show`. The same seed always gives the same value;
 * field names steer the values (dates for `…Date`, amounts for `…Amount`, ISO codes for
 * `currencyCode`), and `values` pins fields by name (state carried from an earlier call).
 */
import { resolveRef } from './schema-ref.js';

export interface SampleOptions {
  /** Anything that should change the values: the endpoint, its path parameters. */
  seed: string;
  /** Field name -> value to use wherever a field of that name and a compatible type appears. */
  values?: Record<string, unknown>;
  /** Only required fields (for minimal request examples). */
  requiredOnly?: boolean;
}

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
};

const MAX_DEPTH = 6;

export function sampleFromSchema(schema: object, definitions: Record<string, object>, options: SampleOptions): unknown {
  const values = options.values ?? {};
  const resolve = (s: Schema) => resolveRef(s, definitions);

  const walk = (raw: Schema, name: string, path: string, depth: number, refs: string[]): unknown => {
    const { schema, ref } = resolve(raw);
    if (ref && refs.includes(ref)) return undefined; // a model that contains itself: stop here
    const chain = ref ? [...refs, ref] : refs;
    if (name && name in values && fits(values[name], schema)) return values[name];
    const type = schema.type ?? (schema.properties ? 'object' : undefined);
    const h = hash(`${options.seed}|${path}`);
    switch (type) {
      case 'object': {
        const out: Record<string, unknown> = {};
        const required = new Set(schema.required ?? []);
        for (const [key, prop] of Object.entries(schema.properties ?? {})) {
          const want = required.has(key) || (!options.requiredOnly && depth < 3);
          if (!want && !(key in values)) continue;
          if (depth >= MAX_DEPTH && !required.has(key)) continue;
          const v = walk(prop, key, `${path}.${key}`, depth + 1, chain);
          if (v !== undefined) out[key] = v;
        }
        return out;
      }
      case 'array': {
        if (!schema.items || depth >= MAX_DEPTH) return [];
        const n = options.requiredOnly || depth >= 2 ? 1 : 2;
        const items: unknown[] = [];
        for (let i = 0; i < n; i++) {
          const v = walk(schema.items, singular(name), `${path}[${i}]`, depth + 1, chain);
          if (v !== undefined) items.push(v);
        }
        return items;
      }
      case 'string':
        return sampleString(schema, name, h);
      case 'number':
        return sampleNumber(name, h, false);
      case 'integer':
        return sampleNumber(name, h, true);
      case 'boolean':
        return h % 2 === 0;
      default:
        return {};
    }
  };
  return walk(schema as Schema, '', '$', 0, []);
}

function fits(value: unknown, schema: Schema): boolean {
  switch (schema.type) {
    case 'string':
      return typeof value === 'string' && (!schema.enum || schema.enum.includes(value));
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    default:
      return value !== undefined && !(schema.properties && (typeof value !== 'object' || value === null));
  }
}

const CURRENCIES = ['SGD', 'HKD', 'AUD', 'INR', 'GBP', 'EUR', 'USD'];
const COUNTRIES = ['SG', 'HK', 'AU', 'IN', 'GB', 'PL', 'US'];
const WORDS = ['ALPHA', 'BRAVO', 'DELTA', 'ECHO', 'LIMA', 'OSCAR', 'SIERRA', 'TANGO'];

function sampleString(schema: Schema, name: string, h: number): string {
  if (schema.enum?.length) return String(schema.enum[h % schema.enum.length]);
  if (schema.pattern === '^[0-9]{4}$') return String(1000 + (h % 9000));
  const n = name.toLowerCase();
  if (schema.format === 'date-time' || /(time|timestamp)$/.test(n)) return isoDate(h) + 'T09:30:00Z';
  if (schema.format === 'date' || /date$|^dateof|birth/.test(n)) return isoDate(h);
  if (/currency/.test(n)) return CURRENCIES[h % CURRENCIES.length] as string;
  if (/country/.test(n) && /code$/.test(n)) return COUNTRIES[h % COUNTRIES.length] as string;
  if (/email/.test(n)) return `sandbox.user${h % 100}@example.com`;
  if (/phone|mobile/.test(n) && !/type$/.test(n)) return '65' + String(90000000 + (h % 9999999));
  if (/(indicator|flag)$/.test(n)) return h % 2 ? 'Y' : 'N';
  if (/status$/.test(n)) return 'ACTIVE';
  if (/(id|number|code|reference|key)$/.test(n)) return idFor(name, h);
  if (/name$/.test(n)) return `Sandbox ${WORDS[h % WORDS.length]!.charAt(0)}${WORDS[h % WORDS.length]!.slice(1).toLowerCase()}`;
  return `${WORDS[h % WORDS.length]} ${name || 'VALUE'}`.trim();
}

/** A stable identifier from a field name: `payeeId` -> `PAY` + digits. */
export function idFor(name: string, h: number): string {
  const letters = (name.replace(/[^A-Za-z]/g, '').slice(0, 3) || 'ID').toUpperCase();
  return letters + String(h % 100_000_000).padStart(8, '0');
}

function sampleNumber(name: string, h: number, integer: boolean): number {
  const n = name.toLowerCase();
  if (integer) {
    if (/tenor|month/.test(n)) return [3, 6, 12, 24][h % 4] as number;
    if (/count|total|size|number|records/.test(n)) return 1 + (h % 20);
    return 1 + (h % 1000);
  }
  if (/rate|percent|ratio/.test(n)) return Math.round((h % 2000) / 10) / 100;
  if (/amount|balance|limit|fee|charge|price|value|principal/.test(n)) return Math.round(100 + (h % 9_900_00)) / 100 + 100;
  return (h % 10_000) / 100;
}

function isoDate(h: number): string {
  const day = new Date(Date.UTC(2025, 0, 1) + (h % 365) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

function singular(name: string): string {
  return name.endsWith('ies') ? name.slice(0, -3) + 'y' : name.endsWith('s') ? name.slice(0, -1) : name;
}

/** FNV-1a, 32 bits: small, fast, stable across runs and platforms. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
