/**
 * Suite files: found on disk, parsed with `yaml` (which knows every node's position), checked
 * against SUITE_SCHEMA with ajv, and turned into typed suites that remember the line of each step.
 * Any problem is a SuiteFileError naming file, line and column (exit 2).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Node } from 'yaml';
import { DEFAULT_COUNTRY } from '../../config/profiles.js';
import { UsageError } from '../../errors.js';
import { loadAjv } from '../../util/ajv.js';
import { jsonPathProblem } from './expect.js';
import { SUITE_SCHEMA } from './schema.js';

export type StatusExpectation = number | string | number[];

export interface JsonCheck {
  path: string;
  equals?: unknown;
  matches?: string;
  exists?: boolean;
  type?: string;
  line: number;
}

export interface Expectations {
  status?: StatusExpectation;
  maxMs?: number;
  /** The answer fits the catalogue's response schema. */
  schema?: boolean;
  json: JsonCheck[];
  /** Line of the `expect` block (or the step when there is none). */
  line: number;
}

export type SignIn =
  | { flow: 'two-legged'; scope?: string }
  | { flow: 'three-legged'; scope?: string }
  | { flow: 'password'; username?: string; password?: string }
  | { flow: 'card'; last4: string; phone: string; country?: string; business?: string; scope?: string; merchantRef?: string; otp?: string; activate?: boolean };

export interface RequestSpec {
  method?: string;
  path: string;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string | number | boolean>;
  body?: unknown;
  auth?: 'two-legged' | 'three-legged' | 'password' | 'card' | 'none';
  card?: string;
}

export type StepAction = { kind: 'signIn'; signIn: SignIn } | { kind: 'register'; register: { name?: string; country?: string } } | { kind: 'request'; request: RequestSpec };

export interface Step {
  name: string;
  action: StepAction;
  expect: Expectations;
  capture: Record<string, string>;
  line: number;
  column: number;
}

export interface SandboxSpec {
  tls: boolean;
  autoConsent: boolean;
  country: string;
}

export interface Suite {
  file: string;
  name: string;
  profile?: string;
  sandbox?: SandboxSpec;
  variables: Record<string, string | number | boolean>;
  steps: Step[];
}

export class SuiteFileError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${problem}`);
  }
}

const SUITE_EXTENSIONS = /\.ya?ml$/i;

/** The suite files named: files as given, folders searched (recursively) for *.yml and *.yaml, in name order. */
export async function findSuiteFiles(args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    let stat;
    try {
      stat = await fs.stat(arg);
    } catch {
      throw new UsageError(`No such suite file or folder: ${arg}`);
    }
    if (stat.isDirectory()) {
      const found = (await fs.readdir(arg, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile() && SUITE_EXTENSIONS.test(e.name))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
      if (!found.length) throw new UsageError(`No suite files (*.yml, *.yaml) in ${arg}`);
      out.push(...found);
    } else out.push(arg);
  }
  return [...new Set(out)];
}

let validator: ValidateFunction | undefined;

async function validate(): Promise<ValidateFunction> {
  if (!validator) {
    const Ajv = await loadAjv();
    validator = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(SUITE_SCHEMA);
  }
  return validator;
}

export async function loadSuite(file: string): Promise<Suite> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read suite file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseSuite(text, file);
}

export async function parseSuite(text: string, file: string): Promise<Suite> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const at = (offset: number) => lineCounter.linePos(offset);
  const fail = (offset: number, problem: string): never => {
    const { line, col } = at(offset);
    throw new SuiteFileError(file, line, col, problem);
  };
  const yamlError = doc.errors[0];
  if (yamlError) {
    // The first line of the message only: the rest quotes the file.
    fail(yamlError.pos[0], yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''));
  }
  const data = doc.toJS() as unknown;
  if (data === null || data === undefined) fail(0, 'the file is empty; a suite needs steps');
  const check = await validate();
  if (!check(data)) {
    const err = pickError(check.errors ?? []);
    const { offset, problem } = locate(doc, err);
    fail(offset, problem);
  }
  const raw = data as RawSuite;
  const offsetOf = (segments: (string | number)[]) => nodeAt(doc, segments)?.range?.[0] ?? 0;
  if (raw.profile !== undefined && raw.sandbox !== undefined && raw.sandbox !== false) fail(offsetOf(['sandbox']), 'give profile or sandbox, not both');

  const steps = raw.steps.map((s, i): Step => {
    const offset = offsetOf(['steps', i]);
    const kinds = (['signIn', 'register', 'request'] as const).filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) fail(offset, kinds.length ? `a step does one thing: ${kinds.join(' and ')} are both given` : 'a step needs one of signIn, register or request');
    const action = toAction(s);
    if (action.kind !== 'request' && s.expect && (s.expect.json?.length || s.expect.status !== undefined || s.expect.schema)) {
      fail(offsetOf(['steps', i, 'expect']), 'a sign-in step takes only maxMs under expect; check its summary with a capture and a later step');
    }
    for (const [name, p] of Object.entries(s.capture ?? {})) {
      const problem = jsonPathProblem(p);
      if (problem) fail(offsetOf(['steps', i, 'capture', name]), `capture ${name}: not a JSONPath: ${problem}`);
    }
    const json = (s.expect?.json ?? []).map((c, j) => {
      const line = at(offsetOf(['steps', i, 'expect', 'json', j])).line;
      const problem = jsonPathProblem(c.path);
      if (problem) fail(offsetOf(['steps', i, 'expect', 'json', j, 'path']), `not a JSONPath: ${problem}`);
      if (c.matches !== undefined) {
        try {
          new RegExp(c.matches);
        } catch {
          fail(offsetOf(['steps', i, 'expect', 'json', j, 'matches']), `not a valid regular expression: ${c.matches}`);
        }
      }
      return { ...c, line };
    });
    const { line, col } = at(offset);
    return {
      name: s.name ?? defaultStepName(action),
      action,
      expect: {
        ...(s.expect?.status !== undefined ? { status: s.expect.status } : {}),
        ...(s.expect?.maxMs !== undefined ? { maxMs: s.expect.maxMs } : {}),
        ...(s.expect?.schema ? { schema: true } : {}),
        json,
        line: s.expect ? at(offsetOf(['steps', i, 'expect'])).line : line,
      },
      capture: s.capture ?? {},
      line,
      column: col,
    };
  });
  const sandbox = raw.sandbox === true || typeof raw.sandbox === 'object' ? toSandbox(raw.sandbox) : undefined;
  if (!sandbox?.tls && steps.some((s) => s.action.kind === 'register')) {
    fail(offsetOf(['steps', steps.findIndex((s) => s.action.kind === 'register')]), 'register needs the suite\'s own TLS emulator: sandbox: {tls: true}');
  }
  return {
    file,
    name: raw.name ?? path.basename(file).replace(SUITE_EXTENSIONS, ''),
    ...(raw.profile !== undefined ? { profile: raw.profile } : {}),
    ...(sandbox ? { sandbox } : {}),
    variables: raw.variables ?? {},
    steps,
  };
}

interface RawStep {
  name?: string;
  signIn?: string | SignIn;
  register?: { name?: string; country?: string };
  request?: RequestSpec;
  expect?: { status?: StatusExpectation; maxMs?: number; schema?: boolean; json?: Omit<JsonCheck, 'line'>[] };
  capture?: Record<string, string>;
}

interface RawSuite {
  name?: string;
  profile?: string;
  sandbox?: boolean | Partial<SandboxSpec>;
  variables?: Record<string, string | number | boolean>;
  steps: RawStep[];
}

function toAction(s: RawStep): StepAction {
  if (s.signIn !== undefined) return { kind: 'signIn', signIn: typeof s.signIn === 'string' ? ({ flow: s.signIn } as SignIn) : s.signIn };
  if (s.register !== undefined) return { kind: 'register', register: s.register };
  return { kind: 'request', request: s.request! };
}

function toSandbox(spec: true | Partial<SandboxSpec>): SandboxSpec {
  const s = spec === true ? {} : spec;
  return { tls: Boolean(s.tls), autoConsent: s.autoConsent ?? true, country: (s.country ?? DEFAULT_COUNTRY).toLowerCase() };
}

function defaultStepName(action: StepAction): string {
  switch (action.kind) {
    case 'signIn':
      return `sign in (${action.signIn.flow})`;
    case 'register':
      return 'register a PSD2 client';
    case 'request':
      return `${(action.request.method ?? (action.request.body !== undefined ? 'POST' : 'GET')).toUpperCase()} ${action.request.path}`;
  }
}

/** The error to show: the deepest one, and a plain keyword's rather than a oneOf's summary. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const bonus: Record<string, number> = { oneOf: -5, anyOf: -5, if: -5, type: -2, additionalProperties: 2 };
  const score = (e: ErrorObject) => e.instancePath.split('/').length * 10 + (bonus[e.keyword] ?? 0);
  return [...errors].sort((a, b) => score(b) - score(a))[0]!;
}

function segmentsOf(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function nodeAt(doc: Document, segments: (string | number)[]): Node | undefined {
  const node = segments.length ? doc.getIn(segments, true) : doc.contents;
  return node && typeof node === 'object' && 'range' in (node as object) ? (node as Node) : undefined;
}

/** Where the error is in the file, and what to say about it. */
function locate(doc: Document, err: ErrorObject): { offset: number; problem: string } {
  const segments = segmentsOf(err.instancePath);
  const node = nodeAt(doc, segments);
  const where = segments.length ? segments.join('.') : 'the suite';
  let offset = node?.range?.[0] ?? 0;
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      if (isMap(node)) {
        const pair = node.items.find((i) => isPair(i) && isScalar(i.key) && i.key.value === key);
        const keyNode = pair?.key as Node | undefined;
        if (keyNode?.range) offset = keyNode.range[0];
      }
      return { offset, problem: `${where}: unknown key "${key}"` };
    }
    case 'required':
      return { offset, problem: `${where}: "${String(p.missingProperty)}" is required` };
    case 'enum':
      return { offset, problem: `${where}: must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { offset, problem: `${where}: must be ${JSON.stringify(p.allowedValue)}` };
    default:
      return { offset, problem: `${where}: ${err.message ?? 'is not valid'}` };
  }
}
