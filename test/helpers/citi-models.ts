/** Checks an answer against the field lists of Citi's published models (src/citi/models/<Model>.json). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

type Field = { type?: 'string' | 'number' | 'boolean' | 'date' | 'object' | 'array'; ref?: string; items?: string | { ref: string }; required?: boolean };
interface Model {
  model: string;
  source: string;
  /** Fields Citi's model marks optional but Citi's answers carry, so the emulator's must too (`why` says how we know). */
  answered?: { why: string; fields: string[] };
  fields: Record<string, Field>;
}

const cache = new Map<string, Model>();

export function citiModel(name: string): Model {
  let m = cache.get(name);
  if (!m) {
    m = JSON.parse(readFileSync(path.join(ROOT, 'src', 'citi', 'models', `${name}.json`), 'utf8')) as Model;
    cache.set(name, m);
  }
  return m;
}

/**
 * Every way `value` departs from model `name`: a field the model does not have, a required one
 * missing (by Citi's model, or one it lists as answered), a value of the wrong type; nested models
 * are followed. Empty when it conforms.
 */
export function modelProblems(value: unknown, name: string, at = name): string[] {
  const model = citiModel(name);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at}: not an object`];
  const problems: string[] = [];
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!(key in model.fields)) problems.push(`${at}.${key}: not a field of ${name}`);
  for (const [key, field] of Object.entries(model.fields)) {
    const v = obj[key];
    if (v === undefined) {
      if (field.required) problems.push(`${at}.${key}: required by ${name}, missing`);
      else if (model.answered?.fields.includes(key)) problems.push(`${at}.${key}: answered by Citi (see ${name}.json), missing`);
      continue;
    }
    problems.push(...fieldProblems(v, field, `${at}.${key}`));
  }
  return problems;
}

function fieldProblems(v: unknown, field: Field, at: string): string[] {
  if (field.ref) return modelProblems(v, field.ref, at);
  switch (field.type) {
    case 'string':
      return typeof v === 'string' ? [] : [`${at}: not a string`];
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? [] : [`${at}: not a number`];
    case 'boolean':
      return typeof v === 'boolean' ? [] : [`${at}: not a boolean`];
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? [] : [`${at}: not a YYYY-MM-DD date`];
    case 'object':
      return typeof v === 'object' && v !== null ? [] : [`${at}: not an object`];
    case 'array': {
      if (!Array.isArray(v)) return [`${at}: not an array`];
      const items = field.items;
      return v.flatMap((item, i) =>
        typeof items === 'object' ? modelProblems(item, items.ref, `${at}[${i}]`) : fieldProblems(item, { type: items as Field['type'] }, `${at}[${i}]`),
      );
    }
    default:
      return [`${at}: the model gives no type`];
  }
}
