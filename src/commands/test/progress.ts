/**
 * What a person sees on stderr while suites run: on a terminal a live line (suite, step, elapsed)
 * above which each finished step is printed; off a terminal plain lines. A failure shows what
 * failed with a diff, and the request and answer (secrets replaced). Under GitHub Actions each
 * failure is also a workflow annotation on the step's line.
 */
import type { Writable } from 'node:stream';
import type { Style } from '../../ui/style.js';
import type { Failure } from './expect.js';
import { failureDetails, ms, stepLines, summaryLine, totals } from './report.js';
import type { RunListener, StepResult, SuiteResult } from './runner.js';
import type { Step, Suite } from './suite.js';

type LineDiff = (expected: string, actual: string) => { value: string; added?: boolean; removed?: boolean }[];

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressOptions {
  /** Redraw a status line (stderr is a terminal, and no --verbose trace shares it). */
  live: boolean;
  /** Where workflow annotations go, under GITHUB_ACTIONS. */
  annotations?: Writable;
  diff: LineDiff;
}

export class Progress implements RunListener {
  private readonly running = new Map<string, { suite: Suite; step: Step; started: number }>();
  private timer: NodeJS.Timeout | undefined;
  private frame = 0;
  private drawn = false;

  constructor(
    private readonly out: Writable & { columns?: number },
    private readonly s: Style,
    private readonly opts: ProgressOptions,
  ) {}

  suiteStart(suite: Suite, attempt: number): void {
    if (attempt > 1) this.print([this.s.yellow(`retry ${attempt - 1}: ${suite.name}`)]);
  }

  stepStart(suite: Suite, step: Step): void {
    this.running.set(suite.file, { suite, step, started: performance.now() });
    if (this.opts.live && !this.timer) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
    }
    this.draw();
  }

  stepEnd(suite: Suite, r: StepResult): void {
    this.running.delete(suite.file);
    if (r.status === 'skipped') return;
    const [head, ...rest] = stepLines(suite, r);
    const colour = r.status === 'passed' ? this.s.green : this.s.red;
    const lines = [colour(head!.slice(0, 4)) + head!.slice(4)];
    if (r.status === 'failed') lines.push(...this.details(suite.file, r));
    else lines.push(...rest);
    this.print(lines);
    if (r.status === 'failed') this.annotate(suite, r);
  }

  suiteEnd(_suite: Suite, r: SuiteResult): void {
    const skipped = r.steps.filter((s) => s.status === 'skipped').length;
    if (skipped) this.print([this.s.dim(`     ${r.name}: ${skipped} step${skipped === 1 ? '' : 's'} skipped (${r.steps.find((s) => s.skipped)?.skipped})`)]);
  }

  finish(results: SuiteResult[], durationMs: number): void {
    this.stop();
    const t = totals(results, durationMs);
    const line = summaryLine(t);
    this.print(['', t.failed ? this.s.red(this.s.bold(line)) : this.s.green(this.s.bold(line))]);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private details(file: string, r: StepResult): string[] {
    const withDiff: StepResult = { ...r, failures: r.failures.map(({ expected: _e, actual: _a, ...rest }) => rest) };
    const lines = failureDetails(file, withDiff);
    // Each failure's expected/actual becomes a diff under its message.
    const out: string[] = [];
    let i = 0;
    for (const line of lines) {
      out.push('     ' + line);
      const f = r.failures[i];
      if (f && line === `${file}:${f.line}: ${f.message}`) {
        out.push(...this.diff(f).map((l) => '       ' + l));
        i++;
      }
    }
    return out;
  }

  private diff(f: Failure): string[] {
    if (!('expected' in f) && !('actual' in f)) return [];
    const text = (v: unknown) => (v === undefined ? '(nothing)' : JSON.stringify(v, null, 2)) + '\n';
    const out = [`${this.s.red('- expected')} ${this.s.green('+ actual')}`];
    for (const part of this.opts.diff(text(f.expected), text(f.actual))) {
      const sign = part.added ? '+' : part.removed ? '-' : ' ';
      const colour = part.added ? this.s.green : part.removed ? this.s.red : this.s.dim;
      for (const l of part.value.replace(/\n$/, '').split('\n')) out.push(colour(`${sign} ${l}`));
    }
    return out;
  }

  private annotate(suite: Suite, r: StepResult): void {
    const to = this.opts.annotations;
    if (!to) return;
    for (const f of r.failures) {
      const props = `file=${prop(suite.file)},line=${f.line},col=${f.line === r.line ? r.column : 1},title=${prop(`${suite.name} › ${r.name}`)}`;
      to.write(`::error ${props}::${data(f.message)}\n`);
    }
  }

  private print(lines: string[]): void {
    this.clear();
    this.out.write(lines.join('\n') + '\n');
    this.draw();
  }

  private clear(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(): void {
    if (!this.opts.live || !this.running.size) return this.clear();
    const now = performance.now();
    const parts = [...this.running.values()].map((r) => `${r.suite.name} › ${r.step.name} ${this.s.dim(ms(now - r.started))}`);
    const width = (this.out.columns ?? 80) - 4;
    let text = parts.join(this.s.dim(' | '));
    // Cut by visible characters: colour codes take no room on screen.
    if (text.replace(/\x1b\[[0-9;]*m/g, '').length > width) text = parts.map((p) => p.replace(/\x1b\[[0-9;]*m/g, '')).join(' | ').slice(0, width - 1) + '…';
    this.frame = (this.frame + 1) % SPINNER.length;
    this.out.write(`\r\x1b[2K${this.s.cyan(SPINNER[this.frame]!)} ${text}`);
    this.drawn = true;
  }
}

/** Workflow-command escapes: the message, then property values (which also escape ':' and ','). */
function data(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function prop(text: string): string {
  return data(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
