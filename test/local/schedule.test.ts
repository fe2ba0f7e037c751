import { describe, expect, it } from 'vitest';
import { fromFileJson } from '../../src/definition/json.js';
import { ObjectGraph } from '../../src/local/objects.js';
import { parseDurationMs } from '../../src/local/period.js';
import { dueSlots, scheduleSpec } from '../../src/local/schedule.js';

function specOf(type: string, schedule: Record<string, string>) {
  const def = fromFileJson({
    objects: [
      { id: 'Default', name: 'Default', scheduleType: type, schedule: { ref: 'S' } },
      { id: 'S', name: 'S', type: 'Schedule', ...schedule },
      { id: 'A', name: 'A', type: 'ShellCommandActivity', command: 'true' },
    ],
  });
  const g = new ObjectGraph(def);
  return scheduleSpec(g, g.get('A')!, new Date('2024-01-01T00:00:00Z'));
}

const iso = (d: Date) => d.toISOString().slice(0, 16);

describe('schedule semantics (reference §5)', () => {
  it('cron instances are due at the start of their period, timeseries at the end', () => {
    const horizon = new Date('2024-01-01T23:00:00Z');
    const base = { period: '30 minutes', startDateTime: '2024-01-01T22:00:00' };
    const cron = dueSlots(specOf('cron', base), horizon, horizon);
    const ts = dueSlots(specOf('timeseries', base), horizon, horizon);
    expect(cron.due.map((s) => iso(s.scheduledStart))).toEqual(['2024-01-01T22:00', '2024-01-01T22:30']);
    expect(ts.due.map((s) => iso(s.dueAt))).toEqual(['2024-01-01T22:30', '2024-01-01T23:00']);
    expect(cron.next && iso(cron.next.dueAt)).toBe('2024-01-01T23:00');
  });

  it('honours endDateTime and occurrences', () => {
    const horizon = new Date('2024-02-01T00:00:00Z');
    const ended = specOf('cron', {
      period: '1 day',
      startDateTime: '2024-01-01T00:00:00',
      endDateTime: '2024-01-04T00:00:00',
    });
    expect(dueSlots(ended, horizon, horizon).due).toHaveLength(3);
    const counted = specOf('cron', {
      period: '1 week',
      startDateTime: '2024-01-01T00:00:00',
      occurrences: '2',
    });
    expect(dueSlots(counted, horizon, horizon).due.map((s) => iso(s.scheduledStart))).toEqual([
      '2024-01-01T00:00',
      '2024-01-08T00:00',
    ]);
  });

  it('accepts Data Pipeline periods and short development durations for timers', () => {
    expect(parseDurationMs('15 Minutes')).toBe(900_000);
    expect(parseDurationMs('1 day')).toBe(86_400_000);
    expect(parseDurationMs('2 seconds')).toBe(2000);
    expect(parseDurationMs('0')).toBe(0);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('2s')).toBe(2000);
    expect(parseDurationMs('soon')).toBeUndefined();
  });

  it('rejects a malformed schedule period with a clear error', () => {
    expect(() => specOf('cron', { period: '15 mins please', startDateTime: '2024-01-01T00:00:00' })).toThrow(
      /Schedule 'S' period '15 mins please' is not a period/,
    );
  });
});

describe('startAt: FIRST_ACTIVATION_DATE_TIME (issue 13)', () => {
  it('the first activation runs the cron instance that starts at that moment', () => {
    const def = fromFileJson({
      objects: [
        { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'S' } },
        { id: 'S', name: 'S', type: 'Schedule', period: '1 day', startAt: 'FIRST_ACTIVATION_DATE_TIME' },
        { id: 'A', name: 'A', type: 'ShellCommandActivity', command: 'true' },
      ],
    });
    const g = new ObjectGraph(def);
    const now = new Date('2024-03-05T10:11:12Z');
    const slots = dueSlots(scheduleSpec(g, g.get('A')!, now), now, now);
    expect(slots.due.map((s) => s.scheduledStart.toISOString())).toEqual(['2024-03-05T10:11:12.000Z']);
    expect(slots.next?.scheduledStart.toISOString()).toBe('2024-03-06T10:11:12.000Z');
  });
});
