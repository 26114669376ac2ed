/** The implementation of `citi call`, loaded when the command runs. */
import fs from 'node:fs/promises';
import { authorizedRequest } from '../auth/bearer.js';
import { findApi, matchEndpoint, TOKEN_KINDS, type TokenKind } from '../citi/catalogue.js';
import { HTTP_METHODS } from '../citi/endpoints.js';
import { citiErrorLine } from '../citi/errors.js';
import { ApiError, AuthError, UsageError } from '../errors.js';
import type { AuthContext } from '../auth/context.js';
import type { Factory } from '../factory.js';
import type { HttpResponse } from '../http/client.js';
import { colorOn, readAll, type IO } from '../ui/io.js';
import { printJson, printTable, tableRows, writeLine } from '../ui/output.js';
import type { CallOptions } from './call.js';

/** What `citi call` uses: built from the Factory by callDeps. */
export interface CallDeps {
  io: IO;
  authContext(): Promise<AuthContext>;
  /** The --verbose trace, when on. */
  trace(): ((line: string) => void) | undefined;
  info(message: string): void;
}

export function callDeps(f: Factory): CallDeps {
  return { io: f.io, authContext: () => f.authContext(), trace: () => f.trace(), info: (m) => f.info(m) };
}

export async function runCall(f: CallDeps, methodArg: string | undefined, path: string, opts: CallOptions): Promise<void> {
  const formats = [opts.json, opts.table, opts.raw].filter(Boolean).length;
  if (formats > 1) throw new UsageError('Choose one of --json, --table and --raw');
  if (!path.startsWith('/')) throw new UsageError(`The path must start with "/" (got "${path}")`, 'Give a path under the base URL, e.g. /v1/accounts');
  const method = (methodArg ?? (opts.data !== undefined ? 'POST' : 'GET')).toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) throw new UsageError(`Unknown HTTP method "${methodArg}"`, `Use one of ${HTTP_METHODS.join(', ')}`);
  const headers = parsePairs(opts.header ?? [], ':', '--header', 'Key: value');
  const query = parsePairs(opts.query ?? [], '=', '--query', 'key=value');
  const body = opts.data !== undefined ? await readData(f, opts.data) : undefined;

  const api = findApi(path, method);
  const validated = opts.validate ? matchEndpoint(path, method)?.entry : undefined;
  if (opts.validate && !validated) {
    throw new UsageError(`--validate: ${method} ${path.split('?')[0]} is not in the API catalogue`, 'See the catalogued endpoints with: citi apis');
  }
  let kind: TokenKind = 'two-legged';
  if (opts.auth) {
    if (!(TOKEN_KINDS as readonly string[]).includes(opts.auth)) throw new UsageError(`--auth must be one of ${TOKEN_KINDS.join(', ')}`);
    kind = opts.auth as TokenKind;
  } else if (api) kind = api.kind;

  const ctx = await f.authContext();
  const contentType: Record<string, string> = body !== undefined ? { 'content-type': 'application/json' } : {};
  const res = await authorizedRequest(
    ctx,
    { kind, ...(api ? { api } : {}), ...(opts.card ? { cardId: opts.card } : {}) },
    { method, path, query, headers: { ...contentType, ...headers }, ...(body !== undefined ? { body } : {}) },
    () => f.trace()?.('* 401: getting a new token and trying once more'),
  );
  const ok = res.status >= 200 && res.status < 300;
  if (ok && opts.json && res.text && !isJsonText(res.text)) {
    const type = res.headers['content-type'];
    throw new ApiError(`The answer (HTTP ${res.status}${type ? `, ${String(type)}` : ''}) is not JSON, so --json cannot print it`, 'See it as sent with --raw.');
  }
  await printResponse(f, res, opts);
  if (res.status < 200 || res.status >= 300) {
    const what = citiErrorLine(res.status, res.body);
    if (res.status === 401) throw new AuthError(what, 'The server refused the token; check the profile with `citi login`.');
    throw new ApiError(what, undefined, res.status, res.body);
  }
  if (validated) {
    // Loaded only here: the schemas and ajv are not needed by a plain call.
    const { describeProblems, loadSchemas } = await import('../citi/catalogue-validate.js');
    const where = `${validated.method} ${validated.path}`;
    const check = (await loadSchemas()).checkAnswer(validated, { text: res.text ?? '', body: res.body });
    if (check.verdict === 'differs') throw new ApiError(`The answer does not match Citi's published schema for ${where}: ${describeProblems(check.problems)}`);
    if (check.verdict === 'unchecked') {
      throw new UsageError(`--validate: no published answer schema for ${where}: nothing checked`, 'Citi publishes no answer body for this endpoint; call it without --validate.');
    }
    f.info(check.empty ? `✓ The answer is empty, as Citi publishes for ${where}` : `✓ The answer matches Citi's published schema for ${where}`);
  }
}

function parsePairs(items: string[], sep: string, flag: string, form: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const i = item.indexOf(sep);
    const key = i > 0 ? item.slice(0, i).trim() : '';
    if (!key) throw new UsageError(`${flag} "${item}" is not of the form ${form}`);
    out[key] = item.slice(i + 1).trim();
  }
  return out;
}

/** --data: JSON text, @file or @-; always checked to be JSON before anything is sent. */
async function readData(f: Pick<CallDeps, 'io'>, data: string): Promise<string> {
  let text = data;
  let from = '--data';
  if (data === '@-') {
    text = await readAll(f.io.stdin);
    from = '--data @- (stdin)';
  } else if (data.startsWith('@')) {
    const file = data.slice(1);
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(`Cannot read --data file "${file}": ${code === 'ENOENT' ? 'no such file' : code ?? String(err)}`);
    }
    from = `--data file "${file}"`;
  }
  try {
    JSON.parse(text);
  } catch (err) {
    // Only the position: the parser's message quotes the text, which may hold a secret.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new UsageError(`${from} is not valid JSON${at ? ` (at character ${at})` : ''}`);
  }
  return text;
}

async function printResponse(f: Pick<CallDeps, 'io' | 'info'>, res: HttpResponse, opts: CallOptions): Promise<void> {
  const out = f.io.stdout;
  if (opts.include) {
    writeLine(out, `HTTP ${res.status}`);
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) writeLine(out, `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
    writeLine(out);
  }
  const ok = res.status >= 200 && res.status < 300;
  if (opts.raw) {
    if (res.text) out.write(res.text.endsWith('\n') ? res.text : res.text + '\n');
    return;
  }
  if (res.body === undefined) return;
  if (!ok && !opts.json) return; // the error line on stderr says it; --json keeps the body for scripts
  if (opts.table && ok) {
    const rows = tableRows(res.body);
    if (rows && rows.length) {
      await printTable(f.io, rows);
      return;
    }
    f.info('note: the answer has no list to show as a table; showing JSON');
  }
  if (opts.json || !colorOn(f.io, 'stdout')) writeLine(out, JSON.stringify(res.body, null, 2));
  else await printJson(f.io, res.body);
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
