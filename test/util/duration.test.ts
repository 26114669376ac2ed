import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

describe('durations', () => {
  it('parses units and bare seconds', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1500ms')).toBe(1500);
    expect(parseDuration('90')).toBe(90_000);
    expect(() => parseDuration('soon')).toThrow(/Invalid duration/);
  });
  it('formats remaining time', () => {
    expect(formatDuration(95_000)).toBe('1m 35s');
    expect(formatDuration(-1)).toBe('expired');
  });
});
