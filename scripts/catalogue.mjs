#!/usr/bin/env node
/**
 * Builds Citi's API catalogue (src/citi/catalogue-index.ts and src/citi/catalogue-schemas.ts)
 * from the swagger-generated SDK documentation Citi published in the GitHub repository
 * CitibankDemoBusiness/billiondollars, plus scripts/catalogue-extra.json (endpoints Citi documents
 * only on its developer-hub pages).
 *
 *   git clone --depth 1 https://github.com/CitibankDemoBusiness/billiondollars /tmp/billiondollars
 *   node scripts/catalogue.mjs /tmp/billiondollars            # rewrite the generated files
 *   node scripts/catalogue.mjs /tmp/billiondollars --check    # exit 1 if they are out of date
 *
 * From each product's SDK it reads: the endpoint table of README.md (method, path, summary),
 * docs/<Api>.md (parameters, which are optional, the body and answer models), docs/<Model>.md
 * (fields, types, enums, which are optional), and the API sources for where each parameter goes
 * (header, query or path) and its name on the wire. Token kind, scope and product come from RULES
 * below (Citi's pages state them per API product, the SDKs do not); markets from the SDK's market,
 * the path, and the markets Citi's pages list in catalogue-extra.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const OUT_INDEX = path.join(repoRoot, 'src/citi/catalogue-index.ts');
const OUT_SCHEMAS = path.join(repoRoot, 'src/citi/catalogue-schemas.ts');
const EXTRA = path.join(here, 'catalogue-extra.json');

/** The SDKs read, with the market each was published for. */
const SOURCES = [
  { dir: 'India-Accounts/java', lang: 'java', ns: 'inAccounts', markets: ['IN'] },
  { dir: 'India-Cards/java', lang: 'java', ns: 'inCards', markets: ['IN'] },
  { dir: 'Australia-Onboarding/java', lang: 'java', ns: 'auOnboarding', markets: ['AU'] },
  { dir: 'TaxStatement_Digital_Orchestration_Api-1-swagger/java', lang: 'java', ns: 'taxStatements', markets: ['US'] },
  { dir: 'United Kingdom-Money Movement (52)/csharp', lang: 'csharp', ns: 'gbMoneyMovement', markets: ['GB'] },
];

/**
 * Token kind, scope and product by path; the first rule that matches wins. Citi's pages: Accounts,
 * Cards, Customers, Money Movement and Statements use the authorization_code grant (a customer's
 * token); Onboarding, pre-login offers, Pay with Points, reference data and partner APIs use
 * client_credentials; Easy Payment Plan bookings take a card access token (scope epp_booking).
 * Scopes are the names Citi's pages use; they name one money-movement scope,
 * personal_domestic_transfers, so every transfer and payment type takes it.
 */
const RULES = [
  [/^\/v1\/creditCards\/\{cardId\}\/(easyPaymentPlans|transactions\/eligibility\/easyPaymentPlan)/, 'card', 'epp_booking', 'Loans and Easy Payment Plans'],
  [/^\/v1\/(apac\/)?onboarding|^\/partners\/v1\/onboarding/, 'two-legged', '/api', 'Onboarding'],
  [/^\/v1\/apac\/rewards/, 'two-legged', '/api', 'Pay with Points'],
  [/^\/v1\/(apac\/)?utilities\/referenceData/, 'two-legged', '/api', 'Reference data'],
  [/^\/security\//, 'two-legged', '/api', 'MFA and E2E keys'],
  [/^\/v1\/pre[lL]ogin\/.*(loans|[cC]reditPlans|easyPaymentPlans)|^\/v1\/creditCardServices\/offers\/\{offerId\}\/prelogin|^\/v1\/preLogin\/customerProductServiceEligibility/, 'two-legged', '/api', 'Loans and Easy Payment Plans'],
  [/^\/v1\/pre[lL]ogin\//, 'two-legged', '/api', 'Cards'],
  [/^\/partners?\/v1\/.*(loans|[cC]reditPlans)/, 'two-legged', '/api', 'Loans and Easy Payment Plans'],
  [/^\/partners?\/v1\/(accounts|partnerAccounts)/, 'two-legged', '/api', 'Accounts'],
  [/^\/partners?\/v1\/customer/, 'two-legged', '/api', 'Customers'],
  [/^\/partners?\/v1\//, 'two-legged', '/api', 'Cards'],
  [/^\/v1\/my\/bnm\//, 'two-legged', '/api', 'Reference data'],
  [/^\/taxStatements|^\/v1\/accounts\/\{accountId\}\/statements|\/statements\//, 'three-legged', 'statements_and_advices', 'Statements'],
  [/^\/v1\/applicationProcessing/, 'three-legged', 'onboarding', 'Loans and Easy Payment Plans'],
  [/^\/v1\/accounts\/.*loans|^\/v1\/accounts\/\{accountId\}\/funds|^\/v1\/creditChargeCard\/creditPlan/, 'three-legged', 'accounts_details_transactions', 'Loans and Easy Payment Plans'],
  [/^\/v1\/accounts/, 'three-legged', 'accounts_details_transactions', 'Accounts'],
  [/^\/v1\/customers/, 'three-legged', 'customers_profiles', 'Customers'],
  [/^\/v1\/creditCards\/rewards/, 'three-legged', 'pay_with_points', 'Pay with Points'],
  [/^\/v[12]\/(cards|creditCards|creditChargeCard|issuedDeviceAdministration)/, 'three-legged', 'cards', 'Cards'],
  [/^\/v1\/moneyMovement\/payees|^\/v1\/moneyMovement\/destinationCountries/, 'three-legged', 'payees', 'Payees'],
  [/^\/v1\/(emea\/)?(moneyMovement|paymentInitiation)/, 'three-legged', 'personal_domestic_transfers', 'Money movement'],
];

/** Markets named by the path itself win over the SDK's market. */
function marketsFor(p, fallback) {
  if (p.startsWith('/v1/my/')) return ['MY'];
  if (p.startsWith('/v1/emea/')) return ['GB', 'IE', 'PL'];
  return fallback;
}

/** Headers every call sends (the client adds them, the emulator's guard checks them). */
const STANDARD_HEADERS = new Set(['authorization', 'uuid', 'accept', 'client_id', 'content-type']);

const ENTITIES = { '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#x27;': "'", '&#x3D;': '=', '&#39;': "'" };
const decode = (s) => s.replace(/&(quot|amp|lt|gt|#x27|#x3D|#39);/g, (m) => ENTITIES[m] ?? m);
const clip = (s, n = 240) => {
  const t = decode(s).replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1).trimEnd() + '…' : t;
};

function read(file) {
  return fs.readFileSync(file, 'utf8');
}

/** README "Documentation for API Endpoints" rows: [api file, operation anchor, method, path, summary]. */
function endpointRows(readme) {
  const rows = [];
  const re = /^\*(\w+)\* \| \[\*\*(\w+)\*\*\]\(docs\/(\w+)\.md#(\w+)\) \| \*\*(GET|POST|PUT|PATCH|DELETE)\*\* (\S+) \| (.*)$/gm;
  for (const m of readme.matchAll(re)) rows.push({ api: m[3], anchor: m[4], op: m[2], method: m[5], path: m[6].replace(/\/{2,}/g, '/'), summary: m[7] });
  return rows;
}

/** One operation's section of docs/<Api>.md: parameters and answer model. */
function operationDoc(apiDoc, anchor) {
  const start = apiDoc.indexOf(`<a name="${anchor}"></a>`);
  if (start < 0) return undefined;
  const next = apiDoc.indexOf('<a name="', start + 10);
  const section = apiDoc.slice(start, next < 0 ? undefined : next);
  const params = [];
  const table = section.split('### Parameters')[1]?.split('###')[0] ?? '';
  for (const line of table.split('\n')) {
    const m = /^\s*\*\*(\w+)\*\* \| (.*?)\| (.*?)\|(.*)$/.exec(line);
    if (!m) continue;
    const model = /\[\*\*(\w+)\*\*\]/.exec(m[2]);
    params.push({ name: m[1], type: model ? { model: model[1] } : scalarType(m[2]), description: clip(m[3]), optional: /\[optional\]/.test(m[4]) });
  }
  const ret = section.split('### Return type')[1]?.split('###')[0] ?? '';
  const model = /\[\*\*(?:List&lt;)?(\w+)(&gt;)?\*\*\]/.exec(ret);
  const list = /List&lt;/.test(ret);
  // The description paragraph after the summary, when there is one.
  const lines = section.split('\n');
  const h = lines.findIndex((l) => l.startsWith('> '));
  const desc = lines.slice(h + 1).find((l, i) => i > 1 && l.trim() && !l.startsWith('#'));
  return { params, response: model ? { model: model[1], list } : undefined, description: desc && !desc.startsWith('```') ? clip(desc, 400) : undefined };
}

function scalarType(text) {
  const t = text.replace(/\*|\[|\]|\(.*?\)/g, '').trim();
  if (/^(String|string|LocalDate|DateTime\??|OffsetDateTime|Date|UUID|File|byte\[\])$/.test(t)) {
    return { type: 'string', ...(/Date/.test(t) ? { format: /DateTime|Offset/.test(t) ? 'date-time' : 'date' } : {}) };
  }
  if (/^(Double|Float|BigDecimal|double\??|float\??|decimal\??)$/.test(t)) return { type: 'number' };
  if (/^(Integer|Long|int\??|long\??)$/.test(t)) return { type: 'integer' };
  if (/^(Boolean|bool\??)$/.test(t)) return { type: 'boolean' };
  if (/^(Object|object)$/.test(t)) return {};
  const list = /^List&lt;(\w+)&gt;$/.exec(t);
  if (list) return { type: 'array', items: scalarType(list[1]) };
  return { type: 'string' };
}

/** Where each parameter goes, and its name on the wire, from the API sources: var -> {in, name}. */
function parameterPlaces(srcText) {
  const places = new Map();
  for (const m of srcText.matchAll(/localVarHeaderParams\.(?:put|Add)\("([^"]+)",\s*(?:apiClient|this\.Configuration\.ApiClient)\.[pP]arameterToString\((\w+)\)\)/g)) {
    places.set(m[2], { in: 'header', name: m[1] });
  }
  for (const m of srcText.matchAll(/(?:parameterToPairs?|ParameterToKeyValuePairs)\((?:"[^"]*",\s*)?"([^"]+)",\s*(\w+)\)/g)) {
    places.set(m[2], { in: 'query', name: m[1] });
  }
  return places;
}

/** docs/<Model>.md -> JSON Schema (refs to `${ns}.${Model}`), with the models it refers to. */
function modelSchema(docsDir, name, ns, wireNames) {
  const file = path.join(docsDir, `${name}.md`);
  if (!fs.existsSync(file)) return { schema: { type: 'object' }, refs: [] };
  const text = read(file);
  const enums = new Map();
  for (const m of text.matchAll(/## Enum: (\w+)\nName \| Value\n-+ \| -+\n((?:.+\n?)*)/g)) {
    enums.set(m[1], [...m[2].matchAll(/\| &quot;(.*?)&quot;/g)].map((v) => decode(v[1])));
  }
  const properties = {};
  const required = [];
  const refs = [];
  for (const line of text.split('\n')) {
    const m = /^\*\*(\w+)\*\* \| (.*?) \| (.*?) \| (.*)$/.exec(line);
    if (!m) continue;
    const prop = wireNames?.get(m[1]) ?? m[1];
    let s;
    const en = /^\[\*\*(\w+)\*\*\]\(#\w+\)$/.exec(m[2].trim());
    const ref = /^\[\*\*(List&lt;)?(\w+)(&gt;)?\*\*\]\((\w+)\.md\)$/.exec(m[2].trim());
    const listEnum = /^\[\*\*List&lt;(\w+)&gt;\*\*\]\(#\w+\)$/.exec(m[2].trim());
    if (en) s = { type: 'string', ...(enums.has(en[1]) ? { enum: enums.get(en[1]) } : {}) };
    else if (listEnum) s = { type: 'array', items: { type: 'string', ...(enums.has(listEnum[1]) ? { enum: enums.get(listEnum[1]) } : {}) } };
    else if (ref) {
      const target = scalarLike(ref[2]) ? scalarType(ref[2]) : { $ref: `#/definitions/${ns}.${ref[2]}` };
      if (!scalarLike(ref[2])) refs.push(ref[2]);
      s = ref[1] ? { type: 'array', items: target } : target;
    } else s = scalarType(m[2]);
    const description = clip(m[3]);
    properties[prop] = description ? { ...s, description } : s;
    if (!/\[optional\]/.test(m[4])) required.push(prop);
  }
  return { schema: { type: 'object', properties, ...(required.length ? { required } : {}) }, refs };
}

const scalarLike = (n) => /^(String|Double|Integer|Long|Boolean|Object|LocalDate|OffsetDateTime|DateTime|BigDecimal|UUID)$/.test(n);

/** C# model docs name fields in PascalCase; the model sources give the wire names. */
function csharpWireNames(srcDir, model) {
  const file = path.join(srcDir, 'src/IO.Swagger/Model', `${model}.cs`);
  if (!fs.existsSync(file)) return undefined;
  const map = new Map();
  for (const m of read(file).matchAll(/\[DataMember\(Name="(\w+)"[^\]]*\)\]\s*public [\w<>?,\s]+? (\w+) \{ get; set; \}/g)) map.set(m[2], m[1]);
  return map;
}

function apiSourceText(srcDir, lang, api) {
  const file = lang === 'java'
    ? path.join(srcDir, 'src/main/java/io/swagger/client/api', `${api}.java`)
    : path.join(srcDir, 'src/IO.Swagger/Api', `${api}.cs`);
  return fs.existsSync(file) ? read(file) : '';
}

function classify(p) {
  for (const [re, kind, scope, product] of RULES) if (re.test(p)) return { kind, scope, product };
  throw new Error(`No rule gives the token kind of ${p}`);
}

function build(checkout) {
  const endpoints = new Map();
  const definitions = {};
  for (const src of SOURCES) {
    const dir = path.join(checkout, src.dir);
    if (!fs.existsSync(path.join(dir, 'README.md'))) throw new Error(`${src.dir}/README.md not found under ${checkout}`);
    const docsDir = path.join(dir, 'docs');
    const apiDocs = new Map();
    const places = new Map();
    const pending = [];
    const addModel = (name) => pending.push(name);
    for (const row of endpointRows(read(path.join(dir, 'README.md')))) {
      if (!apiDocs.has(row.api)) {
        apiDocs.set(row.api, read(path.join(docsDir, `${row.api}.md`)));
        places.set(row.api, parameterPlaces(apiSourceText(dir, src.lang, row.api)));
      }
      const op = operationDoc(apiDocs.get(row.api), row.anchor);
      if (!op) throw new Error(`${src.dir}: no section for ${row.anchor}`);
      const key = `${row.method} ${row.path}`;
      const pathNames = [...row.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const parameters = [];
      let body;
      for (const p of op.params) {
        if (p.name === 'body') {
          if (p.type.model) {
            body = { $ref: `#/definitions/${src.ns}.${p.type.model}` };
            addModel(p.type.model);
          } else body = p.type;
          continue;
        }
        const inPath = pathNames.find((n) => n.toLowerCase() === p.name.toLowerCase());
        const place = inPath ? { in: 'path', name: inPath } : places.get(row.api).get(p.name) ?? guessPlace(p.name);
        if (place.in === 'header' && STANDARD_HEADERS.has(place.name.toLowerCase())) continue;
        parameters.push({ name: place.name, in: place.in, required: place.in === 'path' || !p.optional, ...(p.type.model ? { type: 'object' } : p.type), ...(p.description ? { description: p.description } : {}) });
      }
      let response;
      if (op.response) {
        const ref = { $ref: `#/definitions/${src.ns}.${op.response.model}` };
        response = op.response.list ? { type: 'array', items: ref } : ref;
        addModel(op.response.model);
      }
      const existing = endpoints.get(key);
      if (existing) {
        existing.index.markets = [...new Set([...existing.index.markets, ...marketsFor(row.path, src.markets)])];
        continue;
      }
      const { kind, scope, product } = classify(row.path);
      endpoints.set(key, {
        index: { method: row.method, path: row.path, product, markets: marketsFor(row.path, src.markets), kind, scope, summary: clip(row.summary, 160) },
        detail: { operationId: row.op, ...(op.description ? { description: op.description } : {}), parameters, ...(body ? { request: body } : {}), ...(response ? { response } : {}) },
      });
    }
    // Every model reachable from a body or an answer, once.
    const seen = new Set();
    while (pending.length) {
      const name = pending.pop();
      if (seen.has(name)) continue;
      seen.add(name);
      const wire = src.lang === 'csharp' ? csharpWireNames(dir, name) : undefined;
      const { schema, refs } = modelSchema(docsDir, name, src.ns, wire);
      definitions[`${src.ns}.${name}`] = schema;
      pending.push(...refs);
    }
  }
  const extra = JSON.parse(read(EXTRA));
  Object.assign(definitions, extra.definitions);
  for (const e of extra.endpoints) {
    const key = `${e.method} ${e.path}`;
    const { kind, scope, product } = classify(e.path);
    const existing = endpoints.get(key);
    const detail = { operationId: e.operationId, parameters: e.parameters ?? [], ...(e.request ? { request: e.request } : {}), ...(e.response ? { response: e.response } : {}) };
    if (existing) {
      existing.index.markets = [...new Set([...existing.index.markets, ...e.markets])];
      if (e.override) existing.detail = { ...detail, ...(existing.detail.description ? { description: existing.detail.description } : {}) };
      continue;
    }
    endpoints.set(key, {
      index: { method: e.method, path: e.path, product, markets: e.markets, kind, scope, summary: e.summary },
      detail,
    });
  }
  // Markets Citi's pages add to endpoints the SDKs publish for one market only.
  for (const m of extra.markets ?? []) {
    for (const key of m.endpoints) {
      const e = endpoints.get(key);
      if (!e) throw new Error(`catalogue-extra.json: markets for ${key}, which is not in the catalogue`);
      e.index.markets = [...new Set([...e.index.markets, ...m.markets])].sort();
    }
  }
  const sorted = [...endpoints.values()].sort((a, b) => a.index.path.localeCompare(b.index.path) || a.index.method.localeCompare(b.index.method));
  return { sorted, definitions };
}

function guessPlace(name) {
  return /^(clientDetails|acceptLanguage|countryCode|businessCode|channelId|sessionId)$/.test(name)
    ? { in: 'header', name: name === 'acceptLanguage' ? 'Accept-Language' : name }
    : { in: 'query', name };
}

function render({ sorted, definitions }) {
  const banner = '// Generated by scripts/catalogue.mjs from Citi\'s published API documentation; do not edit.\n// Refresh: see "The API catalogue" in README.md.\n';
  const index =
    banner +
    "import type { CatalogueEntry } from './catalogue.js';\n\n" +
    'export const ENDPOINTS: readonly CatalogueEntry[] = [\n' +
    sorted.map((e) => '  ' + JSON.stringify(e.index) + ',\n').join('') +
    '];\n';
  const details = Object.fromEntries(sorted.map((e) => [`${e.index.method} ${e.index.path}`, e.detail]));
  const schemas =
    banner +
    "import type { EndpointDetail } from './catalogue-schema-types.js';\n\n" +
    '/** JSON Schema (draft-07) models, referred to as `#/definitions/<name>`. */\n' +
    `export const DEFINITIONS: Record<string, object> = JSON.parse(${JSON.stringify(JSON.stringify(definitions))});\n\n` +
    '/** Per endpoint ("METHOD /path"): parameters, request body and answer schemas. */\n' +
    `export const DETAILS: Record<string, EndpointDetail> = JSON.parse(${JSON.stringify(JSON.stringify(details))});\n`;
  return { index, schemas };
}

const args = process.argv.slice(2);
const check = args.includes('--check');
const checkout = args.find((a) => !a.startsWith('--'));
if (!checkout) {
  console.error('usage: node scripts/catalogue.mjs PATH_TO_BILLIONDOLLARS_CHECKOUT [--check]');
  process.exit(2);
}
const built = build(path.resolve(checkout));
const out = render(built);
const kinds = built.sorted.reduce((acc, e) => ({ ...acc, [e.index.kind]: (acc[e.index.kind] ?? 0) + 1 }), {});
if (check) {
  const stale = [[OUT_INDEX, out.index], [OUT_SCHEMAS, out.schemas]].filter(([f, text]) => !fs.existsSync(f) || read(f) !== text);
  if (stale.length) {
    console.error(`catalogue out of date: ${stale.map(([f]) => path.relative(repoRoot, f)).join(', ')}; run node scripts/catalogue.mjs ${checkout}`);
    process.exit(1);
  }
  console.log(`catalogue up to date: ${built.sorted.length} endpoints ${JSON.stringify(kinds)}`);
} else {
  fs.writeFileSync(OUT_INDEX, out.index);
  fs.writeFileSync(OUT_SCHEMAS, out.schemas);
  console.log(`wrote ${built.sorted.length} endpoints ${JSON.stringify(kinds)}, ${Object.keys(built.definitions).length} models`);
}
