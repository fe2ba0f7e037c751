import { describe, expect, it } from 'vitest';
import { freshness, latestDeadline, zonedTime } from '../../src/catalog/freshness.js';
import type { PipelineHistory } from '../../src/catalog/state.js';

const DAY = 86_400_000;
const history = (...ended: string[]): PipelineHistory => ({
  firstActivation: '2026-01-01T00:00:00Z',
  instances: ended.map((e, k) => ({
    objectId: 'load',
    scheduledStart: `s${k}`,
    status: 'FINISHED',
    endedAt: e,
  })),
});

describe('SLA deadlines', () => {
  it('reads ready_by in its time zone, across daylight saving changes', () => {
    expect(zonedTime(2026, 1, 15, 6, 0, 'America/New_York').toISOString()).toBe('2026-01-15T11:00:00.000Z');
    expect(zonedTime(2026, 7, 15, 6, 0, 'America/New_York').toISOString()).toBe('2026-07-15T10:00:00.000Z');
    expect(zonedTime(2026, 3, 29, 6, 0, 'Europe/Berlin').toISOString()).toBe('2026-03-29T04:00:00.000Z');
    expect(zonedTime(2026, 3, 28, 6, 0, 'Europe/Berlin').toISOString()).toBe('2026-03-28T05:00:00.000Z');
  });

  it('the latest deadline is today once passed, else yesterday', () => {
    expect(latestDeadline(new Date('2026-05-10T12:00:00Z'), '06:00', 'UTC').toISOString()).toBe(
      '2026-05-10T06:00:00.000Z',
    );
    expect(latestDeadline(new Date('2026-05-10T05:59:00Z'), '06:00', 'UTC').toISOString()).toBe(
      '2026-05-09T06:00:00.000Z',
    );
    // 23:30 in Tokyo on the 10th is 14:30 UTC on the 10th.
    expect(latestDeadline(new Date('2026-05-10T15:00:00Z'), '23:30', 'Asia/Tokyo').toISOString()).toBe(
      '2026-05-10T14:30:00.000Z',
    );
  });
});

describe('freshness', () => {
  const now = new Date('2026-05-10T12:00:00Z');
  const sla = { readyBy: '06:00', timezone: 'UTC' };
  const base = { sla, periodMs: DAY, writers: ['load'], now };

  it('on time when a write finished in the window before the deadline', () => {
    expect(freshness({ ...base, history: history('2026-05-10T03:10:00Z') })).toMatchObject({
      status: 'on_time',
      deadline: '2026-05-10T06:00:00.000Z',
      lastSuccess: '2026-05-10T03:10:00Z',
    });
  });

  it('late when the data came after the deadline, or not at all in the window', () => {
    expect(
      freshness({ ...base, history: history('2026-05-10T07:30:00Z', '2026-05-09T03:00:00Z') }),
    ).toMatchObject({
      status: 'late',
      message: expect.stringMatching(
        /^arrived 10 May 2026, 07:30 UTC, after the deadline 10 May 2026, 06:00 UTC$/,
      ),
    });
    expect(freshness({ ...base, history: history('2026-05-08T03:00:00Z') })).toMatchObject({
      status: 'late',
      message: expect.stringMatching(/^not refreshed since 8 May 2026/),
    });
  });

  it('a weekly pipeline has a week-long window; other activities do not count', () => {
    expect(freshness({ ...base, periodMs: 7 * DAY, history: history('2026-05-05T03:00:00Z') })?.status).toBe(
      'on_time',
    );
    expect(freshness({ ...base, writers: ['other'], history: history('2026-05-10T03:00:00Z') })?.status).toBe(
      'late',
    );
  });

  it('unknown without runs or before the first activation; not_scheduled without a schedule; none without an SLA', () => {
    expect(freshness({ ...base })?.status).toBe('unknown');
    expect(
      freshness({
        ...base,
        history: { firstActivation: '2026-05-10T08:00:00Z', instances: history('x').instances },
      })?.status,
    ).toBe('unknown');
    expect(
      freshness({ ...base, periodMs: undefined, history: history('2026-05-10T03:00:00Z') })?.status,
    ).toBe('not_scheduled');
    expect(freshness({ ...base, sla: undefined, history: history('2026-05-10T03:00:00Z') })).toBeUndefined();
  });
});
