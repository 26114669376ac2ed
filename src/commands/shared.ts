/**
 * What every command file gets: a way to build its Factory from the parsed global options. Command
 * files only register their options and help; the implementation (and the Factory) load when the
 * command runs, so `citi --help` loads neither.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Factory, FactoryOverrides, GlobalOptions } from '../factory.js';
import type { IO } from '../ui/io.js';
import { parseDuration } from '../util/duration.js';

export interface CommandEnv {
  io: IO;
  overrides?: FactoryOverrides;
}

export async function factoryFor(cmd: Command, env: CommandEnv): Promise<Factory> {
  const { Factory } = await import('../factory.js');
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return new Factory(env.io, { ...g }, env.overrides);
}

/** Help text lines for examples, aligned under an "Examples:" heading. */
export function examples(...lines: string[]): string {
  return '\nExamples:\n' + lines.map((l) => (l ? '  ' + l : '')).join('\n') + '\n';
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A duration flag (`30s`, `5m`) in milliseconds: positive, and at most `max` when it sets a timer. */
export function durationFlag(value: string, flag: string, opts: { max?: string } = {}): number {
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
  if (ms <= 0) throw new UsageError(`${flag} must be positive (got "${value}")`);
  if (opts.max !== undefined && ms > parseDuration(opts.max)) {
    throw new UsageError(`${flag} ${value} is too long: at most ${opts.max}`, `Give a shorter wait, e.g. ${flag} 5m.`);
  }
  return ms;
}
