/**
 * The folder rules of docs/DESIGN.md, read from the imports of src/: no import cycle between
 * folders, `citi/` imports nothing of ours but `util/`, the emulator (`sandbox/`) only `citi/` and
 * `util/`, `util/` nothing, and the client's layers point one way (cli -> commands -> auth -> http).
 * Imports are read with TypeScript's own scanner: static, type-only, re-exports and import().
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const SRC = path.join(ROOT, 'src');

/** Where a source file sits: its folder under src/ (`auth`), or its own name for a file at the top (`cli.ts`). */
function unitOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!;
}

interface Import {
  from: string;
  to: string;
}

/** Our own imports in `text` (a file at `file`): relative specifiers, resolved to the .ts file. */
function importsOf(file: string, text: string): Import[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({ from: file, to: path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts') }));
}

function sourceImports(): Import[] {
  return (fs.readdirSync(SRC, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(SRC, f))
    .flatMap((f) => importsOf(f, fs.readFileSync(f, 'utf8')));
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const named = (i: Import) => `${rel(i.from)} -> ${rel(i.to)}`;

/**
 * Known debts: imports that break a rule today, each named with why it is there. A new import
 * that breaks a rule fails the test; remove an entry once its import is gone.
 */
const KNOWN = new Map<string, string>([]);

/** Imports between two different units (a file at the top and a folder, or two folders), known debts left out. */
function crossings(imports: Import[]): Import[] {
  return imports.filter((i) => unitOf(i.from) !== unitOf(i.to) && !KNOWN.has(named(i)));
}

/**
 * A cycle in the graph of units, as the list of units around it, or undefined. Files at the top of
 * src/ share one folder, so imports between two of them (entry.ts loads cli.ts, which imports
 * errors.ts) are not between folders.
 */
function findCycle(imports: Import[]): string[] | undefined {
  const top = (u: string) => u.endsWith('.ts');
  const next = new Map<string, Set<string>>();
  for (const i of imports) {
    const [a, b] = [unitOf(i.from), unitOf(i.to)];
    if (a === b || (top(a) && top(b)) || KNOWN.has(named(i))) continue;
    if (!next.has(a)) next.set(a, new Set());
    next.get(a)!.add(b);
  }
  const state = new Map<string, 'open' | 'done'>();
  const visit = (u: string, trail: string[]): string[] | undefined => {
    if (state.get(u) === 'open') return [...trail.slice(trail.indexOf(u)), u];
    if (state.get(u) === 'done') return undefined;
    state.set(u, 'open');
    for (const v of next.get(u) ?? []) {
      const found = visit(v, [...trail, u]);
      if (found) return found;
    }
    state.set(u, 'done');
    return undefined;
  };
  for (const u of [...next.keys()].sort()) {
    const found = visit(u, []);
    if (found) return found;
  }
  return undefined;
}

/** Which units each unit may import (besides itself), for the units the design restricts. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  util: [],
  citi: ['util'],
  sandbox: ['citi', 'util'],
};

/** The client's layers, top first: none imports one above it. */
const LAYERS = [['entry.ts', 'cli.ts'], ['commands'], ['factory.ts'], ['auth'], ['http']] as const;

function breaches(imports: Import[]): string[] {
  const out: string[] = [];
  const rank = (u: string) => LAYERS.findIndex((l) => (l as readonly string[]).includes(u));
  for (const i of crossings(imports)) {
    const [a, b] = [unitOf(i.from), unitOf(i.to)];
    const allowed = MAY_IMPORT[a];
    if (allowed && !allowed.includes(b)) out.push(`${named(i)}: ${a}/ may import only ${allowed.join(', ') || 'nothing of ours'}`);
    if (rank(a) >= 0 && rank(b) >= 0 && rank(b) < rank(a)) out.push(`${named(i)}: ${a} is below ${b}`);
  }
  return out;
}

describe('the folder rules of docs/DESIGN.md', () => {
  const imports = sourceImports();

  it('reads every kind of import (the checks below can fail)', () => {
    const file = path.join(SRC, 'citi', 'x.ts');
    const text = [
      "import { a } from '../auth/a.js';",
      "import type { B } from '../store/b.js';",
      "export { c } from './c.js';",
      "const d = await import('../sandbox/d.js');",
      "import fs from 'node:fs';",
    ].join('\n');
    const found = importsOf(file, text);
    expect(found.map(named)).toEqual(['src/citi/x.ts -> src/auth/a.ts', 'src/citi/x.ts -> src/store/b.ts', 'src/citi/x.ts -> src/citi/c.ts', 'src/citi/x.ts -> src/sandbox/d.ts']);
    expect(breaches(found)).toHaveLength(3);
    const back = importsOf(path.join(SRC, 'auth', 'y.ts'), "import { x } from '../citi/x.js';\nimport { z } from '../commands/z.js';");
    expect(findCycle([...found, ...back])).toEqual(['auth', 'citi', 'auth']);
    expect(breaches(back)).toEqual(['src/auth/y.ts -> src/commands/z.ts: auth is below commands']);
  });

  it('finds the imports of src/', () => {
    expect(imports.length).toBeGreaterThan(100);
    // Every known debt is still there: once its import is gone, its entry goes too.
    for (const debt of KNOWN.keys()) expect(imports.map(named), debt).toContain(debt);
  });

  it('has no import cycle between folders', () => {
    expect(findCycle(imports)).toBeUndefined();
  });

  it('keeps citi/, util/ and the emulator to what they may import, and the layers pointing down', () => {
    expect(breaches(imports)).toEqual([]);
  });
});

/**
 * Each wire fact once, in src/citi/: outside it no source spells a header name, a grant type of
 * its own (`password` and `refresh_token` are also a kind of token and a token type hint, so they
 * are left out), the sandbox customers' password, or a Citi error body (`{ type, code: '…' }`).
 * Literals are read with TypeScript's parser, so comments and prose in help texts pass.
 */
async function wireFacts(): Promise<Set<string>> {
  const { HEADERS, GRANT_TYPES } = await import('../src/citi/wire.js');
  const { SANDBOX_PASSWORD } = await import('../src/citi/sandbox-users.js');
  // client_id is also the authorize query's parameter, read there through its type.
  const headers = Object.values(HEADERS).filter((h) => h !== HEADERS.clientId);
  return new Set([...headers, ...headers.map((h) => h.toLowerCase()), GRANT_TYPES.clientCredentials, GRANT_TYPES.authorizationCode, GRANT_TYPES.card, SANDBOX_PASSWORD]);
}

function wireLiterals(text: string, facts: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (facts.has(node.text)) found.push(`'${node.text}'`);
    } else if (ts.isObjectLiteralExpression(node)) {
      // `{ type: …, code: '…' }`: an error body written by hand.
      const props = new Map(node.properties.filter(ts.isPropertyAssignment).map((p) => [p.name.getText(), p.initializer]));
      const code = props.get('code');
      if (props.has('type') && code && ts.isStringLiteralLike(code)) found.push(`code: '${code.text}'`);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true));
  return found;
}

describe('each wire fact once, in src/citi/', () => {
  it('finds a header name, a grant type, the password and a hand-written error body (the check can fail)', async () => {
    const facts = await wireFacts();
    const text = [
      "const h = { uuid: x, 'client_id': y, ['BizToken']: z };",
      "form.grant_type = 'authorization_code';",
      "const p = 'P@ssUser1$';",
      "throw customError(400, { type: 'error', code: 'invalidOtp', details: 'no' });",
      '// a comment may say uuid, and a help text `uuid and client_id headers`',
    ].join('\n');
    expect(wireLiterals(text, facts)).toEqual(["'BizToken'", "'authorization_code'", "'P@ssUser1$'", "code: 'invalidOtp'"]);
  });

  it('spells none outside src/citi/', async () => {
    const facts = await wireFacts();
    const found = (fs.readdirSync(SRC, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts') && !f.startsWith('citi' + path.sep))
      .flatMap((f) => wireLiterals(fs.readFileSync(path.join(SRC, f), 'utf8'), facts).map((w) => `src/${f.split(path.sep).join('/')}: ${w}`));
    expect(found).toEqual([]);
  });
});
