/**
 * Reports for CI: JUnit XML (a testsuite per suite file, a testcase per step), TAP 14 (a subtest
 * per suite), JSON, and the plain text the progress display prints. Secrets were replaced before
 * anything reached a result.
 */
import { stringify } from 'yaml';
import type { Failure } from './expect.js';
import type { StepResult, SuiteResult } from './runner.js';

export const REPORTERS = ['pretty', 'junit', 'tap', 'json'] as const;
export type ReporterName = (typeof REPORTERS)[number];

export interface Totals {
  suites: number;
  steps: number;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

export function totals(results: SuiteResult[], durationMs: number): Totals {
  const steps = results.flatMap((r) => r.steps);
  const count = (s: StepResult['status']) => steps.filter((x) => x.status === s).length;
  return { suites: results.length, steps: steps.length, passed: count('passed'), failed: count('failed'), skipped: count('skipped'), durationMs: Math.round(durationMs) };
}

export function render(name: ReporterName, results: SuiteResult[], durationMs: number): string {
  switch (name) {
    case 'junit':
      return junit(results, durationMs);
    case 'tap':
      return tap(results);
    case 'json':
      return JSON.stringify({ summary: totals(results, durationMs), suites: results }, null, 2) + '\n';
    case 'pretty':
      return results.map((r) => suiteLines(r).join('\n')).join('\n') + '\n' + summaryLine(totals(results, durationMs)) + '\n';
  }
}

export function summaryLine(t: Totals): string {
  return `${t.suites} suite${t.suites === 1 ? '' : 's'}, ${t.steps} step${t.steps === 1 ? '' : 's'}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped (${ms(t.durationMs)})`;
}

export function ms(n: number): string {
  return n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`;
}

/** A step as one line, then for a failure what failed, and the request and answer. */
export function stepLines(suite: Pick<SuiteResult, 'file' | 'name'>, r: StepResult): string[] {
  const mark = r.status === 'passed' ? 'ok  ' : r.status === 'failed' ? 'FAIL' : 'skip';
  const lines = [`${mark} ${suite.name} › ${r.name}${r.status === 'skipped' ? ` (${r.skipped})` : ` (${ms(r.durationMs)})`}`];
  if (r.status === 'failed') lines.push(...failureDetails(suite.file, r).map((l) => '     ' + l));
  return lines;
}

function suiteLines(r: SuiteResult): string[] {
  return r.steps.flatMap((s) => stepLines(r, s));
}

/** The failures of a step (file:line, message, expected and actual), the request and the answer. */
export function failureDetails(file: string, r: StepResult): string[] {
  const out: string[] = [];
  for (const f of r.failures) {
    out.push(`${file}:${f.line}: ${f.message}`);
    if ('expected' in f || 'actual' in f) {
      out.push(`  expected: ${show(f.expected)}`, `  actual:   ${show(f.actual)}`);
    }
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  const x = r.exchange;
  if (x) {
    out.push(`request: ${x.request.method} ${x.request.url}`);
    for (const [k, v] of Object.entries(x.request.headers)) out.push(`  ${k}: ${v}`);
    if (x.request.body) out.push(`  ${truncate(x.request.body)}`);
    if (x.response) {
      out.push(`answer: HTTP ${x.response.status} (${ms(x.response.durationMs)})`);
      if (x.response.body) out.push(`  ${truncate(x.response.body)}`);
    }
  }
  return out;
}

function show(v: unknown): string {
  return v === undefined ? '(nothing)' : truncate(JSON.stringify(v));
}

function truncate(text: string, max = 2000): string {
  return text.length > max ? text.slice(0, max) + `… (${text.length - max} more characters)` : text;
}

function firstFailure(r: StepResult): Failure | undefined {
  return r.failures[0];
}

// JUnit XML ----------------------------------------------------------------------------------

/** Text for XML: the five escapes, and characters XML 1.0 cannot carry dropped. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

const secs = (n: number) => (n / 1000).toFixed(3);

function junit(results: SuiteResult[], durationMs: number): string {
  const t = totals(results, durationMs);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="citi test" tests="${t.steps}" failures="${t.failed}" errors="0" skipped="${t.skipped}" time="${secs(durationMs)}">`,
  ];
  for (const r of results) {
    const count = (s: StepResult['status']) => r.steps.filter((x) => x.status === s).length;
    out.push(
      `  <testsuite name="${xml(r.name)}" tests="${r.steps.length}" failures="${count('failed')}" errors="0" skipped="${count('skipped')}" time="${secs(r.durationMs)}" timestamp="${r.startedAt}" file="${xml(r.file)}">`,
    );
    if (r.attempts > 1) out.push(`    <properties><property name="attempts" value="${r.attempts}"/></properties>`);
    for (const s of r.steps) {
      const head = `    <testcase name="${xml(s.name)}" classname="${xml(r.name)}" time="${secs(s.durationMs)}" file="${xml(r.file)}" line="${s.line}"`;
      if (s.status === 'passed') out.push(head + '/>');
      else if (s.status === 'skipped') out.push(head + '>', `      <skipped message="${xml(s.skipped ?? '')}"/>`, '    </testcase>');
      else {
        const f = firstFailure(s);
        out.push(
          head + '>',
          `      <failure message="${xml(f?.message ?? 'failed')}" type="${s.exchange?.response ? 'expectation' : 'error'}">${xml(failureDetails(r.file, s).join('\n'))}</failure>`,
          '    </testcase>',
        );
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}

// TAP 14 -------------------------------------------------------------------------------------

/** A TAP description: no "#" (it starts a directive) and a single line. */
function tapText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replaceAll('#', '\\#');
}

function yamlBlock(value: object, indent: string): string[] {
  const body = stringify(value, { lineWidth: 0 }).trimEnd().split('\n');
  return [`${indent}  ---`, ...body.map((l) => `${indent}  ${l}`), `${indent}  ...`];
}

function tap(results: SuiteResult[]): string {
  const out = ['TAP version 14', `1..${results.length}`];
  results.forEach((r, i) => {
    out.push(`# Subtest: ${tapText(r.name)}`, `    1..${r.steps.length}`);
    r.steps.forEach((s, j) => {
      const n = j + 1;
      const name = tapText(s.name);
      if (s.status === 'passed') out.push(`    ok ${n} - ${name}`);
      else if (s.status === 'skipped') out.push(`    ok ${n} - ${name} # SKIP ${tapText(s.skipped ?? '')}`);
      else {
        const f = firstFailure(s);
        out.push(
          `    not ok ${n} - ${name}`,
          ...yamlBlock(
            {
              message: f?.message ?? 'failed',
              at: { file: r.file, line: f?.line ?? s.line },
              ...(f && 'expected' in f ? { expected: f.expected } : {}),
              ...(f && 'actual' in f ? { actual: f.actual } : {}),
              ...(s.failures.length > 1 ? { failures: s.failures.map((x) => x.message) } : {}),
              ...(s.exchange ? { request: s.exchange.request, ...(s.exchange.response ? { response: s.exchange.response } : {}) } : {}),
            },
            '    ',
          ),
        );
      }
    });
    const skip = r.status === 'skipped' ? ' # SKIP stopped by --bail' : '';
    out.push(`${r.status === 'failed' ? 'not ok' : 'ok'} ${i + 1} - ${tapText(r.name)}${skip}`);
  });
  return out.join('\n') + '\n';
}
