/** Data to stdout: JSON (coloured on a terminal), tables, raw text. */
import { colorOn, type IO } from './io.js';
import { style, type Style } from './style.js';

export function writeLine(stream: IO['stdout'], text = ''): void {
  stream.write(text + '\n');
}

/** Pretty JSON; coloured when stdout takes colours (a terminal, or FORCE_COLOR), else plain. */
export async function printJson(io: IO, value: unknown): Promise<void> {
  const colour = colorOn(io, 'stdout');
  const s = await style(colour);
  writeLine(io.stdout, colour ? colourJson(value, s, 0) : JSON.stringify(value, null, 2));
}

function colourJson(value: unknown, s: Style, depth: number): string {
  const pad = '  '.repeat(depth + 1);
  const end = '  '.repeat(depth);
  if (value === null) return s.dim('null');
  if (typeof value === 'string') return s.green(JSON.stringify(value));
  if (typeof value === 'number') return s.yellow(String(value));
  if (typeof value === 'boolean') return s.magenta(String(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + colourJson(v, s, depth + 1)).join(',\n')}\n${end}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${pad}${s.blue(JSON.stringify(k))}: ${colourJson(v, s, depth + 1)}`).join(',\n')}\n${end}}`;
  }
  return String(value);
}

/**
 * A table of rows (objects) on stdout, with the given columns or the union of the rows' keys: drawn
 * with borders on a terminal; elsewhere (a pipe, a file) plain tab-separated lines under a header
 * row, for cut, awk and spreadsheets.
 */
export async function printTable(io: IO, rows: Record<string, unknown>[], columns?: string[]): Promise<void> {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (!io.stdout.isTTY) {
    const tsv = (cells: string[]) => cells.map((v) => v.replace(/[\t\r\n]+/g, ' ')).join('\t');
    for (const line of [cols, ...rows.map((row) => cols.map((c) => cell(row[c])))]) writeLine(io.stdout, tsv(line));
    return;
  }
  const { default: Table } = await import('cli-table3');
  const table = new Table({ head: cols, style: { head: [], border: [], compact: true } });
  for (const row of rows) table.push(cols.map((c) => cell(row[c])));
  writeLine(io.stdout, table.toString());
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * The rows of an API answer for `--table`: the first array of objects found (breadth-first), each
 * flattened. A row that wraps a single object (`{savingsAccountSummary: {...}}`) is unwrapped, and
 * nested objects become dotted columns. Citi's account list nests its accounts in groups: those
 * are gathered into one list with the group as a column.
 */
export function tableRows(data: unknown): Record<string, unknown>[] | undefined {
  const grouped = groupedRows(data);
  if (grouped) return grouped;
  const arr = firstObjectArray(data);
  return arr?.map((item) => flatten(unwrap(item)));
}

function groupedRows(data: unknown): Record<string, unknown>[] | undefined {
  const groups = (data as { accountGroupSummary?: unknown })?.accountGroupSummary;
  if (!Array.isArray(groups)) return undefined;
  const rows: Record<string, unknown>[] = [];
  for (const g of groups as { accountGroup?: string; accounts?: unknown[] }[]) {
    for (const a of g.accounts ?? []) rows.push({ accountGroup: g.accountGroup, ...flatten(unwrap(a)) });
  }
  return rows;
}

function firstObjectArray(data: unknown): Record<string, unknown>[] | undefined {
  const queue: unknown[] = [data];
  while (queue.length) {
    const v = queue.shift();
    if (Array.isArray(v)) {
      if (v.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) return v as Record<string, unknown>[];
      queue.push(...v);
    } else if (v && typeof v === 'object') queue.push(...Object.values(v));
  }
  return undefined;
}

function unwrap(item: unknown): Record<string, unknown> {
  const obj = item as Record<string, unknown>;
  const keys = Object.keys(obj);
  const only = keys.length === 1 ? obj[keys[0]!] : undefined;
  return only && typeof only === 'object' && !Array.isArray(only) ? (only as Record<string, unknown>) : obj;
}

function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix + k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key + '.', out);
    else if (Array.isArray(v)) out[key] = v.every((x) => typeof x !== 'object') ? v.join(', ') : `[${v.length} items]`;
    else out[key] = v;
  }
  return out;
}
