import { describe, expect, it } from 'vitest';
import { datesEnding, snapshotOf, usageStatus } from '#shared/stats/snapshot';
import { type DailyRollup, RECENT_USERS } from '#shared/stats/statistics';

const tenant = { maxUsers: 100, openedAt: '2024-01-01T00:00:00.000Z' };

/** A rollup whose every daily count is `n`, with optional overrides. */
function rollup(date: string, n: number, extra: Partial<DailyRollup> = {}): DailyRollup {
  return {
    date,
    counts: {
      logins: n,
      failedLogins: n,
      registrations: n,
      deletedUsers: 0,
      smsSent: n,
      emailsSent: n,
      appsCreated: 0,
      appsDeleted: 0,
      newMonthlyActive: 0,
    },
    totalUsers: 0,
    totalApplications: 0,
    monthlyActiveUsers: 0,
    countries: {},
    recentLogins: [],
    recentRegistrations: [],
    ...extra,
  };
}

describe('datesEnding', () => {
  it('lists n consecutive UTC dates ending with the date, oldest first, across a month and leap day', () => {
    expect(datesEnding('2024-03-02', 4)).toEqual(['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02']);
    expect(datesEnding('2025-01-01', 2)).toEqual(['2024-12-31', '2025-01-01']);
  });
});

describe('snapshotOf', () => {
  const date = '2024-03-31';
  const days = datesEnding(date, 30);

  it('sums the 7- and 30-day windows ending with the date, counting days without a rollup as zero', () => {
    // Day i (0 = oldest) has count 1 + i; days 20 and 27 have no rollup; a rollup outside the
    // window (31 days back) must not count.
    const rollups = days.flatMap((d, i) => (i === 20 || i === 27 ? [] : [rollup(d, 1 + i)]));
    rollups.push(rollup('2024-03-01', 1000));
    const s = snapshotOf(date, rollups, tenant);
    const last7 = [24, 25, 26, 27, 29, 30]; // 1 + i for i = 23..29 except 27
    const all30 = Array.from({ length: 30 }, (_, i) => (i === 20 || i === 27 ? 0 : 1 + i));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(s.logins7d).toBe(sum(last7));
    expect(s.registrations7d).toBe(sum(last7));
    expect(s.failedLogins7d).toBe(sum(last7));
    expect(s.smsSent).toEqual({ day: 30, d7: sum(last7), d30: sum(all30) });
    expect(s.emailsSent).toEqual({ day: 30, d7: sum(last7), d30: sum(all30) });
    expect(s.userGrowth.yesterday).toBe(30);
    expect(s.userGrowth.d7).toBe(sum(last7));
    expect(s.userGrowth.d30).toBe(sum(all30));
  });

  it('gives a 30-point daily series of new users with dates, oldest first, zero for missing days', () => {
    const rollups = [
      rollup(date, 5),
      rollup('2024-03-10', 3),
      rollup('2024-03-02', 2),
      rollup('2024-03-01', 9),
    ];
    const s = snapshotOf(date, rollups, tenant);
    expect(s.userGrowth.series).toHaveLength(30);
    expect(s.userGrowth.series[0]).toEqual({ date: '2024-03-02', newUsers: 2 });
    expect(s.userGrowth.series[29]).toEqual({ date, newUsers: 5 });
    expect(s.userGrowth.series.map((p) => p.date)).toEqual(days);
    expect(s.userGrowth.series.find((p) => p.date === '2024-03-10')?.newUsers).toBe(3);
    expect(s.userGrowth.series.reduce((t, p) => t + p.newUsers, 0)).toBe(10);
  });

  it('takes totals, monthly active users and recent lists from the day itself', () => {
    const recent = Array.from({ length: 15 }, (_, i) => ({
      userId: `u${i}`,
      at: `2024-03-31T00:00:${10 + i}Z`,
    }));
    const s = snapshotOf(
      date,
      [
        rollup('2024-03-30', 1, { totalUsers: 1, totalApplications: 1, monthlyActiveUsers: 1 }),
        rollup(date, 1, {
          totalUsers: 42,
          totalApplications: 3,
          monthlyActiveUsers: 17,
          recentLogins: recent,
          recentRegistrations: recent.slice(0, 2),
        }),
      ],
      { maxUsers: 1000, openedAt: '2023-05-06T07:08:09.000Z' },
    );
    expect(s.date).toBe(date);
    expect(s.totalUsers).toBe(42);
    expect(s.totalApplications).toBe(3);
    expect(s.recentLogins).toEqual(recent.slice(0, RECENT_USERS));
    expect(s.recentRegistrations).toEqual(recent.slice(0, 2));
    expect(s.resourceUsage).toEqual({
      monthlyActiveUsers: 17,
      maxUsers: 1000,
      usageStatus: 'normal',
      serviceOpenedAt: '2023-05-06T07:08:09.000Z',
    });
  });

  it('refuses to build a snapshot without the rollup of the day itself', () => {
    expect(() => snapshotOf(date, [rollup('2024-03-30', 1)], tenant)).toThrow(/2024-03-31/);
  });

  it('sorts the distribution by users descending, then by country, and leaves out empty countries', () => {
    const s = snapshotOf(
      date,
      [rollup(date, 0, { countries: { US: 2, DE: 5, FR: 2, JP: 0, AT: 1 } })],
      tenant,
    );
    expect(s.userDistribution).toEqual([
      { country: 'DE', users: 5 },
      { country: 'FR', users: 2 },
      { country: 'US', users: 2 },
      { country: 'AT', users: 1 },
    ]);
  });
});

describe('usageStatus', () => {
  it.each([
    [0, 'normal'],
    [79, 'normal'],
    [80, 'warning'],
    [99, 'warning'],
    [100, 'exceeded'],
    [101, 'exceeded'],
  ] as const)('%i percent of the limit gives %s', (percent, status) => {
    expect(usageStatus(percent, 100)).toBe(status);
    expect(usageStatus(percent * 50, 5000)).toBe(status);
  });

  it('switches exactly at 80 % and 100 % for a limit that 80 % does not divide evenly', () => {
    // 80 % of 7 is 5.6: 5 is normal, 6 is warning, 7 is exceeded.
    expect([5, 6, 7].map((m) => usageStatus(m, 7))).toEqual(['normal', 'warning', 'exceeded']);
    // 79.99 % vs 80 %
    expect(usageStatus(7999, 10000)).toBe('normal');
    expect(usageStatus(8000, 10000)).toBe('warning');
    expect(usageStatus(9999, 10000)).toBe('warning');
  });

  it('reports the usage status in the snapshot for 79, 80, 99, 100 and 101 % of maxUsers', () => {
    const statuses = [79, 80, 99, 100, 101].map(
      (mau) =>
        snapshotOf('2024-03-31', [rollup('2024-03-31', 0, { monthlyActiveUsers: mau })], tenant).resourceUsage
          .usageStatus,
    );
    expect(statuses).toEqual(['normal', 'warning', 'warning', 'exceeded', 'exceeded']);
  });
});
