/** The suite file format: the committed editor schema, parsing, templates and expectations. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAnswer, capture } from '../../../src/commands/test/expect.js';
import { SUITE_SCHEMA } from '../../../src/commands/test/schema.js';
import { parseSuite, SuiteFileError } from '../../../src/commands/test/suite.js';
import { fill, fillDeep, TemplateError } from '../../../src/commands/test/template.js';
import { ROOT } from '../../helpers/cli.js';

describe('the suite schema', () => {
  it('schemas/citi-suite.schema.json is the schema citi test validates with (npm run schema rewrites it)', async () => {
    const committed = JSON.parse(await fs.readFile(path.join(ROOT, 'schemas', 'citi-suite.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(SUITE_SCHEMA)));
  });

  it('every example suite names the schema for editors', async () => {
    const dir = path.join(ROOT, 'examples', 'smoke');
    for (const f of await fs.readdir(dir)) {
      expect(await fs.readFile(path.join(dir, f), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/schemas\/citi-suite\.schema\.json$/m);
    }
  });
});

describe('parsing a suite', () => {
  it('keeps each step\'s line and column, and each check\'s line', async () => {
    const suite = await parseSuite('sandbox: true\nsteps:\n  - signIn: two-legged\n  -   request: { path: /v1/x }\n      expect:\n        json:\n          - { path: "$.a", exists: true }\n', 's.yml');
    expect(suite.steps.map((s) => [s.name, s.line, s.column])).toEqual([
      ['sign in (two-legged)', 3, 5],
      ['GET /v1/x', 4, 7],
    ]);
    expect(suite.steps[1]!.expect.json[0]!.line).toBe(7);
    expect(suite.sandbox).toEqual({ tls: false, autoConsent: true, country: 'sg' });
  });

  it.each([
    ['steps: []\n', 1, 8, 'steps: must NOT have fewer than 1 items'],
    ['steps:\n  - name: nothing\n', 2, 5, 'a step needs one of signIn, register or request'],
    ['steps:\n  - signIn: two-legged\n    request: { path: /v1/x }\n', 2, 5, 'a step does one thing: signIn and request are both given'],
    ['steps:\n  - signIn: four-legged\n', 2, 13, 'steps.0.signIn: must be one of "two-legged", "three-legged", "password", "card"'],
    ['steps:\n  - request: { path: v1/x }\n', 2, 22, 'steps.0.request.path: must match pattern "^/"'],
    ['profile: qa\nsandbox: true\nsteps:\n  - signIn: two-legged\n', 2, 10, 'give profile or sandbox, not both'],
    ['steps:\n  - register: {}\n', 2, 5, "register needs the suite's own TLS emulator: sandbox: {tls: true}"],
    ['steps:\n  - request: { path: /x }\n    expect: { json: [{ path: "$.a", matches: "(" }] }\n', 3, 46, 'not a valid regular expression: ('],
    ['steps:\n  - request: { path: /x }\n    expect: { status: "200" }\n', 3, 23, 'steps.0.expect.status: must match pattern "^[1-5]xx$"'],
  ])('%j is refused at its line and column', async (text, line, column, problem) => {
    const err = await parseSuite(text, 'bad.yml').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SuiteFileError);
    expect(err).toMatchObject({ line, column, problem, exitCode: 2 });
  });
});

describe('templates', () => {
  const vars = new Map<string, unknown>([
    ['n', 3],
    ['s', 'abc'],
  ]);
  it('fills variables and the environment; a lone placeholder keeps its type', () => {
    expect(fill('{{n}}', vars, {})).toBe(3);
    expect(fill('x-{{n}}-{{ s }}-{{env.HOME_X}}', vars, { HOME_X: 'h' })).toBe('x-3-abc-h');
    expect(fillDeep({ a: ['{{s}}', 1] }, vars, {})).toEqual({ a: ['abc', 1] });
  });
  it('names what is missing', () => {
    expect(() => fill('{{nope}}', vars, {})).toThrow(TemplateError);
    expect(() => fill('{{env.NOPE}}', vars, {})).toThrow('the environment variable NOPE is not set');
  });
});

describe('expectations and captures', () => {
  const expect0 = { json: [], line: 1 };
  it('status classes, lists and the default 2xx', () => {
    const at = (status: number, want?: number | string | number[]) => checkAnswer({ ...expect0, ...(want !== undefined ? { status: want } : {}) }, { status, body: {}, durationMs: 1 }, new Map(), {}).length;
    expect([at(204), at(404), at(404, '4xx'), at(404, [400, 404]), at(500, [400, 404]), at(201, 201)]).toEqual([0, 1, 0, 0, 1, 0]);
  });
  it('equals, matches, exists and type at JSONPaths; a secret field is never shown', () => {
    const body = { a: { b: [1, 2] }, access_token: 'AAIk-secret-value', n: 1.5, list: [{ id: 'x' }, { id: 'y' }] };
    const check = (json: object[]) =>
      checkAnswer({ json: json.map((c) => ({ line: 9, ...c })) as never, line: 1 }, { status: 200, body, durationMs: 1 }, new Map([['v', 2]]), {});
    expect(check([{ path: '$.a.b[1]', equals: '{{v}}' }, { path: '$.list[*].id', equals: ['x', 'y'] }, { path: '$.n', type: 'number' }, { path: '$.z', exists: false }])).toEqual([]);
    const failures = check([{ path: '$.access_token', equals: 'other' }, { path: '$.n', type: 'integer' }, { path: '$.list[0].id', matches: '^y' }]);
    expect(failures.map((f) => f.message)).toEqual(['$.access_token does not equal the expected value', '$.n is of type number, not integer', '$.list[0].id does not match /^y/']);
    expect(JSON.stringify(failures)).not.toContain('AAIk-secret-value');
    expect(failures[0]).toMatchObject({ expected: '[REDACTED]', actual: '[REDACTED]' });
  });
  it("the code of Citi's error body is shown: it names the error", () => {
    const [failure] = checkAnswer({ status: 400, json: [{ path: '$.code', equals: 'invalidOtp', line: 3 }], line: 1 }, { status: 400, body: { type: 'error', code: 'invalidControlFlowId', details: 'd' }, durationMs: 1 }, new Map(), {});
    expect(failure).toMatchObject({ expected: 'invalidOtp', actual: 'invalidControlFlowId' });
  });
  it('a response slower than maxMs fails', () => {
    expect(checkAnswer({ ...expect0, maxMs: 50 }, { status: 200, body: {}, durationMs: 80 }, new Map(), {})[0]!.message).toBe('took 80 ms, expected under 50 ms');
  });
  it('a capture takes the first value found; nothing found is a failure', () => {
    const vars = new Map<string, unknown>();
    expect(capture({ id: "$.list[?@.k == 'b'].id", none: '$.missing' }, { list: [{ k: 'a', id: 1 }, { k: 'b', id: 2 }] }, vars, 4)).toEqual([{ message: 'capture none: nothing at $.missing', line: 4 }]);
    expect(vars.get('id')).toBe(2);
  });
});
