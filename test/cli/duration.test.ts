/** One duration grammar for -t, --retry-delay, --timeout and the engine's timers (issue 11). */
import { describe, expect, it } from 'vitest';
import { EtlError } from '../../src/diagnostics/index.js';
import { parseDuration, requireDuration } from '../../src/duration.js';
import { parseTimeDelta as compileDelta } from '../../src/compile/schedule.js';
import { parseTimeDelta as awsDelta } from '../../src/aws/time.js';
import { parseDurationMs } from '../../src/local/period.js';

const H = 3_600_000;

describe('duration grammar', () => {
  it.each([
    ['0', 0],
    ['500ms', 500],
    ['2s', 2000],
    ['90 min', 90 * 60_000],
    ['2h', 2 * H],
    ['1.5d', 36 * H],
    ['1d12h', 36 * H],
    ['1 week', 7 * 24 * H],
    ['15 Minutes', 15 * 60_000],
    ['2 hours', 2 * H],
    ['1 month', 30 * 24 * H],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(parseDurationMs(text)).toBe(ms);
    expect(compileDelta(text)).toBe(ms);
    expect(awsDelta(text)).toBe(ms);
  });

  it('takes a sign only where asked (-t)', () => {
    expect(parseDuration('-2d', { sign: true })).toBe(-48 * H);
    expect(compileDelta('-2d')).toBe(-48 * H);
    expect(parseDuration('-2d')).toBeUndefined();
  });

  it.each(['', '3', '3x', 'soon', '2 fortnights', '1d 3', 'd'])('refuses %j', (text) => {
    expect(parseDuration(text, { sign: true })).toBeUndefined();
    expect(compileDelta(text)).toBeUndefined();
  });

  it('refuses huge values with a usage error, not an internal one', () => {
    expect(parseDuration('99999999d')).toBeUndefined();
    try {
      requireDuration('99999999d', '-t', { sign: true });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EtlError);
      expect((e as EtlError).exitCode).toBe(2);
      expect((e as EtlError).diagnostics[0]).toMatchObject({
        code: 'ETL8001',
        message: "-t '99999999d' is longer than 100 years",
      });
    }
  });
});
