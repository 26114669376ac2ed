/**
 * JSON Schema validation of request and answer bodies against the catalogue, through ajv.
 * The schemas (about 1 MB) and ajv are loaded on first use only, and each endpoint's validators
 * are compiled once, so commands and routes that never validate pay nothing.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { loadAjv } from '../util/ajv.js';
import { endpointKey, type CatalogueEntry } from './catalogue.js';
import { isNumericString } from './numbers.js';
import type { EndpointDetail } from './catalogue-schema-types.js';

export type { CatalogueParameter, EndpointDetail } from './catalogue-schema-types.js';

export interface SchemaProblem {
  /** Where in the body, as a dotted path (`transactions[0].amount`); empty for the body itself. */
  path: string;
  message: string;
}

export interface CatalogueSchemas {
  /** Parameters and schemas of an endpoint. */
  detail(entry: Pick<CatalogueEntry, 'method' | 'path'>): EndpointDetail;
  /** Named models, for describing or sampling a `$ref`. */
  definitions: Record<string, object>;
  /** Problems of a body against the endpoint's request or answer schema; [] when it fits or there is none. */
  check(entry: Pick<CatalogueEntry, 'method' | 'path'>, part: 'request' | 'response', body: unknown): SchemaProblem[];
  /**
   * An answer against the published contract: `fits` or `differs` when there is an answer schema;
   * without one, an empty answer (204, no body) fits, and any other cannot be checked (`unchecked`).
   */
  checkAnswer(entry: Pick<CatalogueEntry, 'method' | 'path'>, answer: { text: string; body: unknown }): AnswerCheck;
}

export type AnswerCheck = { verdict: 'fits'; empty: boolean } | { verdict: 'differs'; problems: SchemaProblem[] } | { verdict: 'unchecked' };

let loading: Promise<CatalogueSchemas> | undefined;

/** The catalogue's schemas with a validator over them; loaded once per process. */
export function loadSchemas(): Promise<CatalogueSchemas> {
  loading ??= load();
  return loading;
}

async function load(): Promise<CatalogueSchemas> {
  const [{ DEFINITIONS, DETAILS }, AjvClass] = await Promise.all([import('./catalogue-schemas.js'), loadAjv()]);
  const ajv = new AjvClass({ allErrors: true, strict: false, validateFormats: false });
  ajv.addSchema({ $id: 'citi', definitions: DEFINITIONS });
  const compiled = new Map<string, ValidateFunction | null>();

  const detail = (entry: Pick<CatalogueEntry, 'method' | 'path'>): EndpointDetail => {
    const d = DETAILS[endpointKey(entry)];
    if (!d) throw new Error(`${endpointKey(entry)} has no schemas in the catalogue`);
    return d;
  };
  const validator = (entry: Pick<CatalogueEntry, 'method' | 'path'>, part: 'request' | 'response'): ValidateFunction | null => {
    const key = `${part} ${endpointKey(entry)}`;
    if (!compiled.has(key)) {
      const schema = detail(entry)[part];
      compiled.set(key, schema ? ajv.compile(rebase(schema)) : null);
    }
    return compiled.get(key) ?? null;
  };
  const check = (entry: Pick<CatalogueEntry, 'method' | 'path'>, part: 'request' | 'response', body: unknown): SchemaProblem[] => {
    const validate = validator(entry, part);
    if (!validate || validate(body)) return [];
    // Citi takes numbers sent as numeric strings in requests ("transactionAmount": "30").
    return problems((validate.errors ?? []).filter((e) => !(part === 'request' && numericString(e, body))));
  };
  return {
    detail,
    definitions: DEFINITIONS,
    check,
    checkAnswer(entry, answer) {
      const empty = answer.text.trim() === '';
      if (!detail(entry).response) return empty ? { verdict: 'fits', empty } : { verdict: 'unchecked' };
      const found = check(entry, 'response', answer.body ?? null);
      return found.length ? { verdict: 'differs', problems: found } : { verdict: 'fits', empty };
    },
  };
}

/** A type error about a number given as a numeric string (a whole one where an integer is wanted). */
function numericString(e: ErrorObject, body: unknown): boolean {
  const wanted = String((e.params as { type?: unknown }).type);
  if (e.keyword !== 'type' || (wanted !== 'number' && wanted !== 'integer')) return false;
  let value: unknown = body;
  for (const part of e.instancePath.split('/').slice(1)) {
    const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return isNumericString(value, wanted === 'integer');
}

/** Endpoint schemas refer to `#/definitions/X`; compiled on their own they must point into `citi`. */
function rebase(schema: object): object {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"citi#/definitions/')) as object;
}

/** ajv's errors as dotted field paths, the deepest (most specific) first, one per field. */
function problems(errors: ErrorObject[]): SchemaProblem[] {
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const e of errors) {
    let path = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s.replaceAll('~1', '/').replaceAll('~0', '~')}`))
      .join('')
      .replace(/^\./, '');
    let message = e.message ?? 'is not valid';
    if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      path = path ? `${path}.${missing}` : missing;
      message = 'is required';
    } else if (e.keyword === 'type') message = `must be ${(e.params as { type: string }).type}`;
    else if (e.keyword === 'enum') message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path, message });
  }
  return out;
}

/** One line naming the first few problems: `sourceAccountId is required; transactionAmount must be number`. */
export function describeProblems(list: SchemaProblem[], max = 3): string {
  const shown = list.slice(0, max).map((p) => `${p.path || 'the body'} ${p.message}`);
  return shown.join('; ') + (list.length > max ? ` (and ${list.length - max} more)` : '');
}
