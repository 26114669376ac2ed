/** Expectations on an answer (status, time, JSONPath checks) and captures into variables. */
import { isDeepStrictEqual } from 'node:util';
import { query, type JsonValue } from 'jsonpath-rfc9535';
import { matchEndpoint } from '../../citi/catalogue.js';
import { REDACTED, isSecretField, redactJson } from '../../citi/secrets.js';
import type { Expectations, JsonCheck, StatusExpectation } from './suite.js';
import { fillDeep, type Variables } from './template.js';

/** One expectation that did not hold. expected/actual are shown (and diffed) in reports; secrets are already replaced. */
export interface Failure {
  message: string;
  line: number;
  expected?: unknown;
  actual?: unknown;
}

export interface Answer {
  status: number;
  body: unknown;
  durationMs: number;
}

/**
 * Where a 2xx answer does not fit the response schema Citi publishes for the endpoint (the API
 * catalogue, through the same validator as `citi call --validate`); the first few misfits.
 */
export async function checkSchema(method: string, path: string, answer: Answer, line: number): Promise<Failure[]> {
  if (answer.status < 200 || answer.status >= 300) return [];
  const match = matchEndpoint(path, method);
  if (!match) return [{ message: `${method} ${path.split('?')[0]} is not in the API catalogue: there is no published schema to check the answer against`, line }];
  const { loadSchemas } = await import('../../citi/catalogue-validate.js');
  const where = `${match.entry.method} ${match.entry.path}`;
  const problems = (await loadSchemas()).check(match.entry, 'response', answer.body ?? null);
  const shown = problems.slice(0, 5).map((p) => ({ message: `the answer does not fit Citi's published schema for ${where}: ${p.path || 'the body'} ${p.message}`, line }));
  if (problems.length > shown.length) shown.push({ message: `… and ${problems.length - shown.length} more misfits of the schema`, line });
  return shown;
}

/** A syntax check of a JSONPath, for the suite parser; the message when it is not one. */
export function jsonPathProblem(path: string): string | undefined {
  try {
    query({}, path);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** True for a path that names at most one value (names and indexes only): its value is that value, not a list. */
function isSingular(path: string): boolean {
  return !/\*|\.\.|\[\s*\?|:|,/.test(path.replace(/'[^']*'|"[^"]*"/g, "''"));
}

/** The value at a path: the one value of a singular path, the list of matches otherwise; `found` false when nothing matched. */
export function valueAt(body: unknown, path: string): { found: boolean; value: unknown } {
  const matches = query(body as JsonValue, path);
  if (isSingular(path)) return matches.length ? { found: true, value: matches[0] } : { found: false, value: undefined };
  return { found: matches.length > 0, value: matches };
}


export function statusMatches(want: StatusExpectation | undefined, status: number): boolean {
  if (want === undefined) return status >= 200 && status < 300;
  if (typeof want === 'number') return status === want;
  if (Array.isArray(want)) return want.includes(status);
  return String(status)[0] === want[0];
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** A path whose last name is a secret field (`$.access_token`): what is expected there is not shown either. */
function endsInSecretField(path: string): boolean {
  const last = /(?:\.([A-Za-z_][\w-]*)|\[\s*['"]([^'"]+)['"]\s*\])\s*$/.exec(path);
  const name = last?.[1] ?? last?.[2];
  return Boolean(name && isSecretField(name));
}

function checkJson(c: JsonCheck, body: unknown, vars: Variables, env: NodeJS.ProcessEnv): Failure[] {
  const out: Failure[] = [];
  const { found, value } = valueAt(body, c.path);
  // What may be shown: the same path in the answer with its secrets replaced; an expected value
  // where the answer holds a secret is hidden too (it would be the secret, or close to it).
  const actual = valueAt(redactJson(body), c.path).value;
  const hidden = !isDeepStrictEqual(actual, value) || endsInSecretField(c.path);
  const shown = (v: unknown) => (hidden && v !== undefined ? REDACTED : v);
  if (c.exists !== undefined && found !== c.exists) {
    out.push({ message: c.exists ? `nothing at ${c.path}` : `${c.path} should not exist`, line: c.line, ...(found ? { actual } : {}) });
  }
  if (c.equals !== undefined) {
    const expected = fillDeep(c.equals, vars, env);
    if (!found) out.push({ message: `nothing at ${c.path} (expected it to equal ${JSON.stringify(shown(expected))})`, line: c.line });
    else if (!isDeepStrictEqual(value, expected)) out.push({ message: `${c.path} does not equal the expected value`, line: c.line, expected: shown(expected), actual });
  }
  if (c.matches !== undefined) {
    const re = new RegExp(c.matches);
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
    if (!found) out.push({ message: `nothing at ${c.path} (expected a match for /${c.matches}/)`, line: c.line });
    else if (text === undefined || !re.test(text)) out.push({ message: `${c.path} does not match /${c.matches}/`, line: c.line, expected: `/${c.matches}/`, actual });
  }
  if (c.type !== undefined) {
    const t = jsonType(value);
    const ok = found && (t === c.type || (c.type === 'number' && t === 'integer'));
    if (!ok) out.push({ message: found ? `${c.path} is of type ${t}, not ${c.type}` : `nothing at ${c.path} (expected a ${c.type})`, line: c.line, ...(found ? { expected: c.type, actual: t } : {}) });
  }
  return out;
}

/** Every expectation of a step that does not hold for this answer. */
export function checkAnswer(expect: Expectations, answer: Answer, vars: Variables, env: NodeJS.ProcessEnv): Failure[] {
  const failures: Failure[] = [];
  if (!statusMatches(expect.status, answer.status)) {
    failures.push({
      message: `HTTP status ${answer.status}, expected ${expect.status === undefined ? 'a 2xx' : Array.isArray(expect.status) ? expect.status.join(' or ') : expect.status}`,
      line: expect.line,
      expected: expect.status ?? '2xx',
      actual: answer.status,
    });
  }
  failures.push(...checkTime(expect, answer.durationMs));
  for (const c of expect.json) failures.push(...checkJson(c, answer.body, vars, env));
  return failures;
}

export function checkTime(expect: Expectations, durationMs: number): Failure[] {
  if (expect.maxMs === undefined || durationMs < expect.maxMs) return [];
  return [{ message: `took ${Math.round(durationMs)} ms, expected under ${expect.maxMs} ms`, line: expect.line, expected: `< ${expect.maxMs} ms`, actual: `${Math.round(durationMs)} ms` }];
}

/** Sets each capture from the first value at its path (a filter picks one item); a capture that finds nothing is a failure. */
export function capture(captures: Record<string, string>, value: unknown, vars: Variables, line: number): Failure[] {
  const failures: Failure[] = [];
  for (const [name, path] of Object.entries(captures)) {
    const [first] = query(value as JsonValue, path);
    if (first === undefined) failures.push({ message: `capture ${name}: nothing at ${path}`, line });
    else vars.set(name, first);
  }
  return failures;
}
