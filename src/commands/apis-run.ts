/** `citi apis` and `citi apis show`: the catalogue as a table, JSON, or one endpoint in detail. */
import { resolveRef } from '../citi/schema-ref.js';
import { API_CATALOGUE, matchEndpoint, type CatalogueEntry, type TokenKind } from '../citi/catalogue.js';
import { loadSchemas, type CatalogueSchemas } from '../citi/catalogue-validate.js';
import { sampleFromSchema } from '../citi/schema-sample.js';
import { UsageError } from '../errors.js';
import type { IO } from '../ui/io.js';
import { printJson, printTable, writeLine } from '../ui/output.js';
import type { ApisOptions } from './apis.js';

const KINDS: TokenKind[] = ['two-legged', 'three-legged', 'card'];
const KIND_NOTE: Record<TokenKind, string> = {
  'two-legged': 'two-legged (client credentials)',
  'three-legged': "three-legged (a customer's consent: authorization code or password grant)",
  card: 'card access token (card authorization with an OTP)',
  // Never an API's own kind: the password grant's token is taken where a three-legged one is.
  password: "password grant (a customer's token without a browser)",
};

export async function runApis(io: IO, text: string | undefined, opts: ApisOptions): Promise<void> {
  if (opts.kind && !(KINDS as string[]).includes(opts.kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
  const products = [...new Set(API_CATALOGUE.map((e) => e.product))];
  const product = opts.product ? products.find((p) => p.toLowerCase() === opts.product!.toLowerCase()) : undefined;
  if (opts.product && !product) throw new UsageError(`No API product "${opts.product}"`, `Products: ${products.sort().join(', ')}`);
  const market = opts.market?.toUpperCase();
  const needle = text?.toLowerCase();
  const list = API_CATALOGUE.filter(
    (e) =>
      (!product || e.product === product) &&
      (!market || e.markets.includes(market)) &&
      (!opts.kind || e.kind === opts.kind) &&
      (!needle || [e.path, e.summary, e.product, e.scope].some((s) => s.toLowerCase().includes(needle))),
  );
  if (opts.json) {
    writeLine(io.stdout, JSON.stringify(list.map(({ method, path, product, markets, kind, scope, summary }) => ({ method, path, product, markets, kind, scope, summary })), null, 2));
    return;
  }
  if (!list.length) {
    io.stderr.write('No endpoint matches.\n');
    return;
  }
  // On a terminal the summary would wrap every row; piped, it is one more tab-separated column.
  const rows = list.map((e) => ({ method: e.method, path: e.path, kind: e.kind, scope: e.scope, product: e.product, markets: e.markets.join(','), ...(io.stdout.isTTY ? {} : { summary: e.summary }) }));
  await printTable(io, rows);
  io.stderr.write(`${list.length} of ${API_CATALOGUE.length} endpoints. Details: citi apis show METHOD PATH\n`);
}

interface Field {
  field: string;
  type: string;
  required: boolean;
  description?: string;
}

export async function runApisShow(io: IO, methodArg: string, path: string, opts: { json?: boolean }): Promise<void> {
  const method = methodArg.toUpperCase();
  const entry = API_CATALOGUE.find((e) => e.method === method && e.path === path) ?? matchEndpoint(path, method)?.entry;
  if (!entry) {
    const other = matchEndpoint(path)?.entry;
    throw new UsageError(
      `No catalogued endpoint ${method} ${path}`,
      other ? `The catalogue has ${other.method} ${other.path}` : 'List them with: citi apis TEXT',
    );
  }
  const schemas = await loadSchemas();
  const detail = schemas.detail(entry);
  const example = detail.request ? sampleFromSchema(detail.request, schemas.definitions, { seed: `example|${entry.path}`, requiredOnly: true }) : undefined;
  const answer = detail.response ? fields(detail.response, schemas) : [];
  if (opts.json) {
    await printJson(io, { ...publicEntry(entry), operationId: detail.operationId, description: detail.description, parameters: detail.parameters, requestExample: example, request: detail.request, response: detail.response, answerFields: answer });
    return;
  }
  const out = io.stdout;
  writeLine(out, `${entry.method} ${entry.path}`);
  writeLine(out, `  ${entry.summary}`);
  if (detail.description && detail.description !== entry.summary) writeLine(out, `  ${detail.description}`);
  writeLine(out);
  writeLine(out, `Product:  ${entry.product} (markets: ${entry.markets.join(', ')})`);
  writeLine(out, `Token:    ${KIND_NOTE[entry.kind]}`);
  writeLine(out, `Scope:    ${entry.scope}`);
  writeLine(out, `Headers:  Authorization, uuid, client_id, Accept${detail.request ? ', Content-Type' : ''} (citi call sends them)`);
  if (detail.parameters.length) {
    writeLine(out);
    writeLine(out, 'Parameters:');
    for (const p of detail.parameters) writeLine(out, `  ${p.name}  (${p.in}, ${p.required ? 'required' : 'optional'}${p.type ? ', ' + p.type : ''})${p.description ? '  ' + p.description : ''}`);
  }
  if (example !== undefined) {
    writeLine(out);
    writeLine(out, 'Example request body (required fields only):');
    writeLine(out, JSON.stringify(example, null, 2).replace(/^/gm, '  '));
  }
  writeLine(out);
  if (!answer.length) writeLine(out, 'Answer: no body');
  else {
    writeLine(out, 'Answer fields:');
    for (const f of answer) writeLine(out, `  ${f.field}  ${f.type}${f.required ? ', required' : ''}${f.description ? '  ' + f.description : ''}`);
  }
}

function publicEntry(e: CatalogueEntry) {
  const { method, path, product, markets, kind, scope, summary } = e;
  return { method, path, product, markets, kind, scope, summary };
}

/** The answer's fields as dotted paths (`accounts[].accountId`), three levels deep. */
function fields(schema: object, schemas: CatalogueSchemas, prefix = '', depth = 0, seen: string[] = []): Field[] {
  type S = { $ref?: string; type?: string; properties?: Record<string, S>; required?: string[]; items?: S; description?: string };
  const deref = (raw: S): { s: S; ref?: string } => {
    const { schema: s, ref } = resolveRef(raw, schemas.definitions);
    return { s, ...(ref ? { ref } : {}) };
  };
  const { s, ref } = deref(schema as S);
  if (ref && seen.includes(ref)) return [];
  const chain = ref ? [...seen, ref] : seen;
  const out: Field[] = [];
  if (s.type === 'array' && s.items) return fields(s.items, schemas, prefix + '[]', depth, chain);
  const required = new Set(s.required ?? []);
  for (const [name, raw] of Object.entries(s.properties ?? {})) {
    const { s: p } = deref(raw);
    const isList = p.type === 'array';
    const inner = isList && p.items ? deref(p.items).s : p;
    const type = isList ? `${inner.type ?? 'object'}[]` : (p.type ?? (p.properties ? 'object' : 'any'));
    const field = prefix ? `${prefix}.${name}` : name;
    out.push({ field, type, required: required.has(name), ...(raw.description ?? p.description ? { description: raw.description ?? p.description } : {}) });
    if (depth < 2 && (inner.properties || inner.$ref || (isList && p.items))) {
      out.push(...fields(isList ? p.items! : raw, schemas, isList ? field + '[]' : field, depth + 1, chain));
    }
  }
  return out;
}
