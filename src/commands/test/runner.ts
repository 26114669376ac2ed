/**
 * Runs suites: steps in order within a suite (a failure skips the rest of it), suites side by side
 * up to --parallel, a failing suite run again from the start up to --retries times, and --bail
 * stopping everything at the first failure.
 */
import { CliError } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { capture, checkAnswer, checkSchema, checkTime, type Failure } from './expect.js';
import { openSession, type Session, type SessionChoice } from './session.js';
import { runAction, type Exchange } from './steps.js';
import type { Step, Suite } from './suite.js';
import { fill, TemplateError } from './template.js';

export type StepStatus = 'passed' | 'failed' | 'skipped';

export interface StepResult {
  name: string;
  line: number;
  column: number;
  status: StepStatus;
  durationMs: number;
  failures: Failure[];
  /** Why it was skipped. */
  skipped?: string;
  exchange?: Exchange;
  /** What the flows said on the way (e.g. "An OTP was sent…"). */
  notes: string[];
}

export interface SuiteResult {
  file: string;
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  /** Runs made: 1, or more when a failing suite was retried. */
  attempts: number;
  startedAt: string;
  steps: StepResult[];
}

export interface RunOptions extends SessionChoice {
  bail: boolean;
  parallel: number;
  retries: number;
}

/** What the progress display hears about. */
export interface RunListener {
  suiteStart?(suite: Suite, attempt: number): void;
  stepStart?(suite: Suite, step: Step): void;
  stepEnd?(suite: Suite, result: StepResult): void;
  suiteEnd?(suite: Suite, result: SuiteResult): void;
}

export async function runSuites(outer: Factory, suites: Suite[], opts: RunOptions, listener: RunListener = {}): Promise<SuiteResult[]> {
  const results: SuiteResult[] = new Array(suites.length);
  const state = { stop: false };
  let next = 0;
  const worker = async () => {
    while (next < suites.length) {
      const i = next++;
      const suite = suites[i]!;
      results[i] = state.stop ? skippedSuite(suite, 'stopped by --bail') : await runWithRetries(outer, suite, opts, listener, state);
      listener.suiteEnd?.(suite, results[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel, suites.length)) }, worker));
  return results;
}

async function runWithRetries(outer: Factory, suite: Suite, opts: RunOptions, listener: RunListener, state: { stop: boolean }): Promise<SuiteResult> {
  let result: SuiteResult | undefined;
  for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
    listener.suiteStart?.(suite, attempt);
    result = { ...(await runOnce(outer, suite, opts, listener, state)), attempts: attempt };
    if (result.status !== 'failed') break;
    if (opts.bail) {
      state.stop = true;
      break;
    }
  }
  return result!;
}

function skippedSuite(suite: Suite, why: string): SuiteResult {
  return {
    file: suite.file,
    name: suite.name,
    status: 'skipped',
    durationMs: 0,
    attempts: 0,
    startedAt: new Date().toISOString(),
    steps: suite.steps.map((s) => skippedStep(s, why)),
  };
}

function skippedStep(step: Step, why: string): StepResult {
  return { name: step.name, line: step.line, column: step.column, status: 'skipped', durationMs: 0, failures: [], skipped: why, notes: [] };
}

/** A step that failed before it could run (the suite could not start, a variable is missing). */
function failedStep(step: Step, message: string): StepResult {
  return { name: step.name, line: step.line, column: step.column, status: 'failed', durationMs: 0, failures: [{ message, line: step.line }], notes: [] };
}

/** A message for an error thrown by a flow: its text and hint (which never carry secrets). */
function errorText(err: unknown): string {
  if (err instanceof CliError) return err.hint ? `${err.message} (${err.hint})` : err.message;
  if (err instanceof TemplateError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

async function runOnce(outer: Factory, suite: Suite, opts: RunOptions, listener: RunListener, state: { stop: boolean }): Promise<Omit<SuiteResult, 'attempts'>> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const env = outer.io.env;
  const steps: StepResult[] = [];
  const done = (status: SuiteResult['status']) => ({ file: suite.file, name: suite.name, status, durationMs: Math.round(performance.now() - started), startedAt, steps });
  let session: Session;
  try {
    session = await openSession(outer, suite, opts);
  } catch (err) {
    const [first, ...rest] = suite.steps;
    const failed = failedStep(first!, `the suite could not start: ${errorText(err)}`);
    steps.push(failed, ...rest.map((s) => skippedStep(s, 'the suite could not start')));
    listener.stepEnd?.(suite, failed);
    state.stop ||= opts.bail;
    return done('failed');
  }
  let failed = false;
  try {
    try {
      for (const [k, v] of Object.entries(suite.variables)) session.vars.set(k, typeof v === 'string' ? fill(v, session.vars, env) : v);
    } catch (err) {
      failed = true;
      steps.push(failedStep(suite.steps[0]!, `variables: ${errorText(err)}`));
      listener.stepEnd?.(suite, steps[0]!);
    }
    for (const step of suite.steps.slice(steps.length)) {
      if (failed || state.stop) {
        steps.push(skippedStep(step, failed ? 'an earlier step failed' : 'stopped by --bail'));
        continue;
      }
      listener.stepStart?.(suite, step);
      const result = await runStep(session, step, env);
      steps.push(result);
      listener.stepEnd?.(suite, result);
      if (result.status === 'failed') {
        failed = true;
        // --bail stops other suites now; a suite that will be retried does not count yet.
        if (opts.bail && opts.retries === 0) state.stop = true;
      }
    }
  } finally {
    await session.close();
  }
  return done(failed ? 'failed' : steps.every((s) => s.status === 'skipped') ? 'skipped' : 'passed');
}

async function runStep(s: Session, step: Step, env: NodeJS.ProcessEnv): Promise<StepResult> {
  const started = performance.now();
  s.notes.length = 0;
  let exchange: Exchange | undefined;
  let failures: Failure[];
  try {
    const outcome = await runAction(s, step.action, env, (e) => (exchange = e));
    if (outcome.kind === 'answer') {
      const answer = { status: outcome.res.status, body: outcome.res.body, durationMs: outcome.res.durationMs };
      failures = checkAnswer(step.expect, answer, s.vars, env);
      if (step.expect.schema) failures.push(...(await checkSchema(outcome.method, outcome.path, answer, step.expect.line)));
      if (!failures.length) failures = capture(step.capture, outcome.res.body, s.vars, step.line);
    } else {
      failures = checkTime(step.expect, outcome.durationMs);
      if (!failures.length) failures = capture(step.capture, outcome.value, s.vars, step.line);
    }
  } catch (err) {
    failures = [{ message: errorText(err), line: step.line }];
  }
  return {
    name: step.name,
    line: step.line,
    column: step.column,
    status: failures.length ? 'failed' : 'passed',
    durationMs: Math.round(performance.now() - started),
    failures,
    ...(exchange ? { exchange } : {}),
    notes: [...s.notes],
  };
}
