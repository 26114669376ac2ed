/**
 * What every command file gets: a way to build its Factory from the parsed global options. Command
 * files only register their options and help; the implementation (and the Factory) load when the
 * command runs, so `citi --help` loads neither.
 */
import type { Command } from 'commander';
import { rangeAsUsage } from '../errors.js';
import type { Factory, FactoryOverrides, GlobalOptions } from '../factory.js';
import type { IO } from '../ui/io.js';
import { parseWait } from '../util/duration.js';

export interface CommandEnv {
  io: IO;
  overrides?: FactoryOverrides;
}

export async function factoryFor(cmd: Command, env: CommandEnv): Promise<Factory> {
  const { Factory } = await import('../factory.js');
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return new Factory(env.io, { ...g }, env.overrides);
}

/** What a command that only reports needs (sandbox): its streams and a line for people on stderr. */
export interface StreamDeps {
  io: IO;
  info(message: string): void;
}

export function streamDeps(f: Factory): StreamDeps {
  return { io: f.io, info: (m) => f.info(m) };
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
  return rangeAsUsage(() => parseWait(value, flag, { bare: 's', max: opts.max ?? null }), `Give a shorter wait, e.g. ${flag} 5m.`);
}
