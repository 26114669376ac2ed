/** `citi test`'s run: read and check every suite first (exit 2 on any problem), run them, report. */
import fs from 'node:fs/promises';
import { CliError, EXIT, UsageError } from '../../errors.js';
import type { Factory } from '../../factory.js';
import { style } from '../../ui/style.js';
import type { TestOptions } from './index.js';
import { Progress } from './progress.js';
import { render } from './report.js';
import { runSuites } from './runner.js';
import { checkTarget } from './session.js';
import { findSuiteFiles, loadSuite, SuiteFileError, type Suite } from './suite.js';

function count(value: string, flag: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number of at least ${min} (got "${value}")`);
  return n;
}

export async function runTest(f: Factory, args: string[], opts: TestOptions): Promise<void> {
  const parallel = count(opts.parallel, '--parallel', 1);
  const retries = count(opts.retries, '--retries', 0);
  if (opts.sandbox && f.globals.profile) throw new UsageError('Give --profile or --sandbox, not both');

  // Every file is checked before anything runs: a bad one is a usage error (exit 2), each named with its line and column.
  const files = await findSuiteFiles(args);
  const suites: Suite[] = [];
  const problems: SuiteFileError[] = [];
  for (const file of files) {
    try {
      suites.push(await loadSuite(file));
    } catch (err) {
      if (!(err instanceof SuiteFileError)) throw err;
      problems.push(err);
    }
  }
  if (problems.length) {
    for (const p of problems.slice(0, -1)) f.info(`error: ${p.message}`);
    throw problems.at(-1)!;
  }
  const needle = opts.grep?.toLowerCase();
  const chosen = needle ? suites.filter((s) => s.name.toLowerCase().includes(needle) || s.file.toLowerCase().includes(needle)) : suites;
  if (!chosen.length) throw new UsageError(`No suite matches --grep "${opts.grep}"`, `Suites: ${suites.map((s) => s.name).join(', ')}`);

  const choice = { sandbox: Boolean(opts.sandbox), ...(f.globals.profile ? { profile: f.globals.profile } : {}) };
  for (const suite of chosen) await checkTarget(f, suite, choice);
  // A report that cannot be written is found out before the suites run, not after.
  if (opts.out) await writeReport(opts.out, '');

  const io = f.io;
  const [s, { diffLines }] = await Promise.all([style(io.color), import('diff')]);
  // The report goes to --out or stdout; annotations go to stdout unless the report is there.
  const reportOnStdout = opts.reporter !== 'pretty' && !opts.out;
  const annotate = io.env.GITHUB_ACTIONS === 'true';
  const progress = new Progress(io.stderr, s, {
    live: Boolean(io.stderr.isTTY) && !f.globals.verbose,
    ...(annotate ? { annotations: reportOnStdout ? io.stderr : io.stdout } : {}),
    diff: (a, b) => diffLines(a, b),
  });
  const started = performance.now();
  let results;
  try {
    results = await runSuites(f, chosen, { bail: Boolean(opts.bail), parallel, retries, ...choice }, progress);
  } finally {
    progress.stop();
  }
  const durationMs = performance.now() - started;
  progress.finish(results, durationMs);

  if (opts.out) await writeReport(opts.out, render(opts.reporter, results, durationMs));
  else if (reportOnStdout) io.stdout.write(render(opts.reporter, results, durationMs));

  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length) {
    throw new CliError(`${failed.length} of ${results.length} suite${results.length === 1 ? '' : 's'} failed: ${failed.map((r) => r.name).join(', ')}`, EXIT.api);
  }
}

async function writeReport(file: string, text: string): Promise<void> {
  try {
    await fs.writeFile(file, text);
  } catch (err) {
    throw new UsageError(`Cannot write the report to ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
