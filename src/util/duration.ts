/**
 * The longest wait a timer-backed option takes. Node's timers hold at most 2^31-1 ms (about 24.8
 * days) and fire at once beyond that; a day is already far longer than any sign-in.
 */
export const MAX_WAIT = '24h';

/** Parses durations such as `30s`, `2m`, `1h`, `1500ms`, `1d`, or a bare number of seconds; returns milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!match?.[1]) throw new RangeError(`Invalid duration "${text}": use a number with ms, s, m, h or d (e.g. 30s, 2m)`);
  const n = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1000;
  return Math.round(n * factor);
}

/**
 * A wait a setting gives (a flag such as `--timeout 5m`, or a variable such as CITI_TIMEOUT_MS=3000),
 * in milliseconds: positive, and at most `max` (default MAX_WAIT) when it sets a timer. `bare` is the
 * unit of a bare number: seconds for flags, milliseconds for the *_MS variables. Throws a RangeError
 * whose message names the setting; callers report it as a usage error.
 */
export function parseWait(value: string, name: string, opts: { bare?: 's' | 'ms'; max?: string | null } = {}): number {
  const text = /^\s*\d+(?:\.\d+)?\s*$/.test(value) ? `${value.trim()}${opts.bare ?? 's'}` : value;
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    const units = opts.bare === 'ms' ? 'a number of milliseconds, e.g. 30000' : 'a number with ms, s, m, h or d (e.g. 30s, 2m)';
    throw new RangeError(`${name}: Invalid duration "${value}": use ${units}`);
  }
  if (ms <= 0) throw new RangeError(`${name} must be positive (got "${value}")`);
  const max = opts.max === undefined ? MAX_WAIT : opts.max;
  if (max !== null && ms > parseDuration(max)) throw new RangeError(`${name} ${value} is too long: at most ${max}${opts.bare === 'ms' ? ` (${parseDuration(max)})` : ''}`);
  return ms;
}

/** `95000` → `1m 35s`; negative durations read as `expired`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return 'expired';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A wait as people say it; formatDuration rounds below a second to 0s. */
export function waitText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : formatDuration(ms);
}
