/**
 * Every catalogued endpoint, served from the catalogue: the guard (token kind and scope), request
 * validation against Citi's published schema, and for endpoints without a hand-written route an
 * answer generated from the response schema. Answers are deterministic (seeded by the endpoint,
 * its path parameters and the app) and carry state between calls where a flow spans endpoints:
 * what a creation returned is what a later read of that ID shows, a preprocess's controlFlowId is
 * confirmed once and the confirmation repeats its amounts, and a payee added with a transfer
 * (`…/preprocess/adhocWithPayeeCreation`, then confirmed) is in the payee list from then on.
 */
import { resolveRef } from '../citi/schema-ref.js';
import { API_CATALOGUE, endpointKey, type CatalogueEntry, type EndpointMatch } from '../citi/catalogue.js';
import { describeProblems, loadSchemas, type CatalogueSchemas } from '../citi/catalogue-validate.js';
import { idFor, hash, sampleFromSchema } from '../citi/schema-sample.js';
import { requireBearer } from './guard.js';
import { citiError, header, isJsonRequest, json, type SandboxReply, type SandboxRequest } from './http.js';
import type { ExpiringMap, IssuedToken, SandboxState } from './state.js';

/** What one app's calls left behind: records by `idName=value`, control flows, added payees. */
interface ControlFlow {
  owner: string;
  family: string;
  values: Record<string, unknown>;
  used: boolean;
  addsPayee: boolean;
  /** Open for ttls.controlFlowMs, like the hand-written flows; dropped by the sweep after that. */
  expiresAt: number;
}

/** Something a call created: listed wherever a list's items carry its ID field. */
interface Created {
  owner: string;
  idName: string;
  id: string;
  values: Record<string, unknown>;
}

interface FlowStore {
  records: Map<string, Record<string, unknown>>;
  controlFlows: ExpiringMap<string, ControlFlow>;
  created: Created[];
  counter: number;
}

const stores = new WeakMap<SandboxState, FlowStore>();

function storeOf(state: SandboxState): FlowStore {
  let s = stores.get(state);
  if (!s) {
    s = { records: new Map(), controlFlows: state.expiringMap(), created: [], counter: 0 };
    stores.set(state, s);
  }
  return s;
}

/** Transfers and payments: `…/preprocess[/adhoc…]` opens a flow that `…` or `…/confirmation` closes. */
const PREPROCESS = /\/preprocess(\/\w+)?$/;

/** The flow an endpoint belongs to: its path without the preprocess/confirmation step, market and plural. */
export function flowFamily(path: string): string {
  return path.replace(PREPROCESS, '').replace(/\/confirmation$/, '').replace('/emea/', '/').replace(/s$/, '');
}

export function isPreprocess(entry: Pick<CatalogueEntry, 'method' | 'path'>): boolean {
  return entry.method === 'POST' && PREPROCESS.test(entry.path);
}

/** Guard and request validation for a catalogued endpoint; the token the call carries. */
export async function checkCatalogued(req: SandboxRequest, state: SandboxState, entry: CatalogueEntry): Promise<IssuedToken> {
  const token = requireBearer(req, state, entry);
  const schemas = await loadSchemas();
  const detail = schemas.detail(entry);
  for (const p of detail.parameters) {
    if (!p.required || p.in === 'path') continue;
    const present = p.in === 'query' ? req.query.get(p.name) : header(req, p.name);
    if (present === null || present === undefined || present === '') {
      throw citiError('invalidRequest', `The ${p.in} parameter ${p.name} is required`, { location: p.name });
    }
  }
  if (detail.request) {
    if (req.body === undefined || !isJsonRequest(req)) throw citiError('invalidRequest', 'A JSON body is required');
    const problems = schemas.check(entry, 'request', req.body);
    if (problems.length) throw citiError('invalidRequest', describeProblems(problems), { location: problems[0]!.path });
  }
  return token;
}

/** The answer of an endpoint that has no hand-written route. */
export async function catalogueAnswer(
  req: SandboxRequest,
  state: SandboxState,
  match: EndpointMatch,
  token: IssuedToken,
  handWritten: { has(key: string): boolean },
): Promise<SandboxReply> {
  const { entry, params } = match;
  const schemas = await loadSchemas();
  const detail = schemas.detail(entry);
  const store = storeOf(state);
  const owner = ownerOf(token);
  const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};

  // State from earlier calls: records named by this call's path parameters, and its control flow.
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    Object.assign(values, store.records.get(`${owner}|${name}=${value}`));
    values[name] = value;
  }
  let flow: ControlFlow | undefined;
  const controlFlowId = typeof body.controlFlowId === 'string' ? body.controlFlowId : undefined;
  if (controlFlowId !== undefined && !isPreprocess(entry) && opensFlow(flowFamily(entry.path), handWritten)) {
    const found = store.controlFlows.get(controlFlowId);
    if (!found || found.owner !== owner || found.used || found.family !== flowFamily(entry.path) || found.expiresAt <= state.now()) {
      throw citiError('invalidControlFlowId');
    }
    found.used = true;
    flow = found;
    Object.assign(values, found.values);
  }
  Object.assign(values, flatten(body));
  if (!detail.response) return { status: 204 };

  const seed = `${endpointKey(entry)}|${Object.values(params).join('/')}|${token.clientId}`;
  if (isPreprocess(entry)) values.controlFlowId = nextId(store, 'controlFlowId', seed);
  let answer = sampleFromSchema(detail.response, schemas.definitions, { seed, values });

  if (isPreprocess(entry) && isObject(answer)) {
    const id = typeof answer.controlFlowId === 'string' ? answer.controlFlowId : (values.controlFlowId as string);
    store.controlFlows.set(id, { owner, family: flowFamily(entry.path), values: { ...values, ...flatten(answer) }, used: false, addsPayee: /adhocWithPayeeCreation$/.test(entry.path), expiresAt: state.now() + state.ttls.controlFlowMs });
  }
  if (flow?.addsPayee) addCreated(store, { owner, idName: 'payeeId', id: nextId(store, 'payeeId', seed), values: flow.values });
  if (entry.method !== 'GET' && isObject(answer)) remember(store, owner, answer, values);
  if (entry.method === 'GET') answer = withCreated(answer, store, owner, params, detail.response, schemas);
  return json(answer);
}

/** What a hand-written route answered, remembered like a generic answer so generic reads can repeat it. */
export function recordAnswer(req: SandboxRequest, state: SandboxState, match: EndpointMatch, token: IssuedToken, reply: SandboxReply): void {
  if (match.entry.method === 'GET' || reply.status >= 300 || !isObject(reply.body)) return;
  const values = { ...flatten(req.body), ...match.params };
  remember(storeOf(state), ownerOf(token), reply.body, values);
}

function ownerOf(token: IssuedToken): string {
  return `${token.clientId}|${token.user ?? token.cardId ?? ''}`;
}

/** Whether this module opens the family's control flows (a generic preprocess); hand-written ones keep their own. */
function opensFlow(family: string, handWritten: { has(key: string): boolean }): boolean {
  return API_CATALOGUE.some((e) => isPreprocess(e) && flowFamily(e.path) === family && !handWritten.has(endpointKey(e)));
}

/** Identifiers a creation returns (`applicationId`, `payeeId`, …) name a record for later reads. */
function remember(store: FlowStore, owner: string, answer: Record<string, unknown>, values: Record<string, unknown>): void {
  const record = { ...values, ...flatten(answer) };
  for (const [k, v] of Object.entries(answer)) {
    if (/Id$/.test(k) && k !== 'controlFlowId' && typeof v === 'string') addCreated(store, { owner, idName: k, id: v, values: record });
  }
}

function addCreated(store: FlowStore, c: Created): void {
  const values = { ...c.values, [c.idName]: c.id };
  store.records.set(`${c.owner}|${c.idName}=${c.id}`, values);
  store.created.push({ ...c, values });
}

/**
 * A list whose items carry an ID field gets what this customer created with that ID, in the items'
 * shape, when it was created under the same path parameters (the applicants of this application).
 */
function withCreated(answer: unknown, store: FlowStore, owner: string, params: Record<string, string>, schema: object, schemas: CatalogueSchemas): unknown {
  if (!isObject(answer)) return answer;
  const mine = store.created.filter((c) => c.owner === owner && Object.entries(params).every(([k, v]) => c.values[k] === undefined || c.values[k] === v));
  if (!mine.length) return answer;
  const resolved = deref(schema, schemas) as { properties?: Record<string, { type?: string; items?: object }> };
  for (const [key, prop] of Object.entries(resolved.properties ?? {})) {
    if (prop.type !== 'array' || !prop.items) continue;
    const listed = mine.filter((c) => carries(prop.items!, c.idName, schemas, 2));
    if (!listed.length) continue;
    const extra = listed.map((c) => sampleFromSchema(prop.items!, schemas.definitions, { seed: c.id, values: c.values }));
    answer[key] = [...(Array.isArray(answer[key]) ? (answer[key] as unknown[]) : []), ...extra];
  }
  return answer;
}

/** Whether items of this schema have the field, on them or on an object they hold (`{applicant: {applicantId}}`). */
function carries(schema: object, field: string, schemas: CatalogueSchemas, depth: number): boolean {
  const props = (deref(schema, schemas) as { properties?: Record<string, object> }).properties ?? {};
  return field in props || (depth > 1 && Object.values(props).some((p) => carries(p, field, schemas, depth - 1)));
}

function deref(schema: object, schemas: CatalogueSchemas): object {
  return resolveRef(schema, schemas.definitions).schema;
}

function nextId(store: FlowStore, name: string, seed: string): string {
  store.counter += 1;
  return idFor(name, hash(`${seed}|${store.counter}`));
}

/** Leaf fields of a body by name (the first occurrence wins), so a later answer can repeat them. */
function flatten(value: unknown, out: Record<string, unknown> = {}): Record<string, unknown> {
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (isObject(v)) flatten(v, out);
    else if (!(k in out) && !Array.isArray(v)) out[k] = v;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
