import { describe, expect, it } from 'vitest';
import {
  activeUsersOf,
  type DailyRollup,
  type DayRecord,
  RECENT_USERS,
  rollupDay,
  type UserStatState,
} from '#shared/stats/statistics';
import { addDays } from '#shared/time';

let seq = 0;
const rec = (type: string, occurredAt: string, extra: Partial<DayRecord> = {}): DayRecord => ({
  id: `r${String(++seq).padStart(6, '0')}`,
  type,
  occurredAt,
  ...extra,
});
const login = (userId: string, at: string, country?: string) =>
  rec('user.login', at, country ? { userId, country } : { userId });
const register = (userId: string, at: string, country?: string) =>
  rec('user.registered', at, country ? { userId, country } : { userId });
const failedLogin = (userId: string, at: string, country?: string) =>
  rec('user.login_failed', at, country ? { userId, country } : { userId });
const del = (userId: string, at: string) => rec('user.deleted', at, { userId });

/** Runs consecutive days in order, keeping every user's state like the store does. */
function runDays(days: Array<[string, DayRecord[]]>, start?: { previous?: DailyRollup }) {
  const states = new Map<string, UserStatState>();
  const rollups: DailyRollup[] = [];
  let previous = start?.previous;
  for (const [date, records] of days) {
    const { rollup, states: changed } = rollupDay(date, records, previous, states);
    for (const [id, s] of changed) states.set(id, s);
    rollups.push(rollup);
    previous = rollup;
  }
  return { rollups, states, last: rollups[rollups.length - 1] as DailyRollup };
}

/** Groups records by the UTC day of their `occurredAt`, as the caller of rollupDay does. */
function splitByUtcDay(records: DayRecord[]): Map<string, DayRecord[]> {
  const days = new Map<string, DayRecord[]>();
  for (const r of records) {
    const day = new Date(r.occurredAt).toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), r]);
  }
  return days;
}

describe('rollupDay', () => {
  it('puts a record at 23:59:59.999 into D and one at 00:00:00.000 into D+1', () => {
    const days = splitByUtcDay([
      register('late', '2024-03-10T23:59:59.999Z', 'DE'),
      register('early', '2024-03-11T00:00:00.000Z', 'FR'),
    ]);
    expect([...days.keys()]).toEqual(['2024-03-10', '2024-03-11']);
    const { rollups } = runDays([...days]);
    expect(rollups.map((r) => r.counts.registrations)).toEqual([1, 1]);
    expect(rollups[0]?.recentRegistrations).toEqual([{ userId: 'late', at: '2024-03-10T23:59:59.999Z' }]);
    expect(rollups[1]?.recentRegistrations.map((u) => u.userId)).toEqual(['early', 'late']);
    expect(rollups.map((r) => r.totalUsers)).toEqual([1, 2]);
  });

  it('counts a user who logs in several times on a day once in monthly active users', () => {
    const { last } = runDays([
      [
        '2024-03-05',
        [
          login('a', '2024-03-05T01:00:00Z'),
          login('a', '2024-03-05T02:00:00Z'),
          login('a', '2024-03-05T03:00:00Z'),
          login('b', '2024-03-05T04:00:00Z'),
        ],
      ],
    ]);
    expect(last.counts.logins).toBe(4);
    expect(last.monthlyActiveUsers).toBe(2);
    expect(last.recentLogins).toEqual([
      { userId: 'b', at: '2024-03-05T04:00:00Z' },
      { userId: 'a', at: '2024-03-05T03:00:00Z' },
    ]);
  });

  it('counts a user who logs in on several days of a month once in monthly active users', () => {
    const { rollups } = runDays([
      ['2024-03-05', [login('a', '2024-03-05T01:00:00Z')]],
      ['2024-03-06', [login('a', '2024-03-06T01:00:00Z'), login('b', '2024-03-06T02:00:00Z')]],
      ['2024-03-07', []],
      ['2024-03-08', [login('b', '2024-03-08T01:00:00Z')]],
    ]);
    expect(rollups.map((r) => r.monthlyActiveUsers)).toEqual([1, 2, 2, 2]);
  });

  it('resets monthly active users on the 1st and counts a user active on the 31st and the 1st in both months once each', () => {
    const { rollups } = runDays([
      ['2024-01-30', [login('a', '2024-01-30T10:00:00Z'), login('b', '2024-01-30T10:00:00Z')]],
      ['2024-01-31', [login('a', '2024-01-31T23:59:59.999Z')]],
      ['2024-02-01', [login('a', '2024-02-01T00:00:00.000Z')]],
      ['2024-02-02', [login('a', '2024-02-02T08:00:00Z')]],
      ['2024-02-03', []],
    ]);
    expect(rollups.map((r) => r.monthlyActiveUsers)).toEqual([2, 2, 1, 1, 1]);
    expect(rollups.map((r) => r.counts.newMonthlyActive)).toEqual([2, 0, 1, 0, 0]);
  });

  it('starts a month with zero monthly active users when nobody logs in on the 1st', () => {
    const { rollups } = runDays([
      ['2024-04-30', [login('a', '2024-04-30T10:00:00Z')]],
      ['2024-05-01', [register('z', '2024-05-01T10:00:00Z')]],
      ['2024-05-02', [login('a', '2024-05-02T10:00:00Z')]],
    ]);
    expect(rollups.map((r) => r.monthlyActiveUsers)).toEqual([1, 0, 1]);
  });

  it('excludes failed logins from logins, monthly active users, the distribution and recent logins', () => {
    const { last } = runDays([
      [
        '2024-03-05',
        [
          register('a', '2024-03-05T01:00:00Z', 'DE'),
          failedLogin('a', '2024-03-05T02:00:00Z', 'US'),
          failedLogin('x', '2024-03-05T03:00:00Z', 'JP'),
          rec('user.registration_failed', '2024-03-05T04:00:00Z', { userId: 'y', country: 'JP' }),
        ],
      ],
    ]);
    expect(last.counts).toMatchObject({ logins: 0, failedLogins: 2, registrations: 1 });
    expect(last.monthlyActiveUsers).toBe(0);
    expect(last.countries).toEqual({ DE: 1 });
    expect(last.recentLogins).toEqual([]);
    expect(last.totalUsers).toBe(1);
  });

  it('moves a user from DE to FR, leaving one user fewer in DE and one more in FR', () => {
    const { rollups } = runDays([
      [
        '2024-03-05',
        [register('a', '2024-03-05T01:00:00Z', 'DE'), register('b', '2024-03-05T02:00:00Z', 'DE')],
      ],
      ['2024-03-06', [login('a', '2024-03-06T01:00:00Z', 'FR')]],
      ['2024-03-07', [login('a', '2024-03-07T01:00:00Z', 'US'), login('a', '2024-03-07T05:00:00Z', 'FR')]],
      ['2024-03-08', [login('b', '2024-03-08T01:00:00Z', 'FR')]],
    ]);
    expect(rollups.map((r) => r.countries)).toEqual([
      { DE: 2 },
      { DE: 1, FR: 1 },
      { DE: 1, FR: 1 },
      { FR: 2 },
    ]);
  });

  it('keeps the last known country when a login carries no country', () => {
    const { last } = runDays([
      ['2024-03-05', [register('a', '2024-03-05T01:00:00Z', 'DE')]],
      ['2024-03-06', [login('a', '2024-03-06T01:00:00Z')]],
    ]);
    expect(last.countries).toEqual({ DE: 1 });
  });

  it('removes a deleted user from the totals, the distribution and both recent lists', () => {
    const { rollups } = runDays([
      [
        '2024-03-05',
        [
          register('a', '2024-03-05T01:00:00Z', 'DE'),
          register('b', '2024-03-05T02:00:00Z', 'DE'),
          login('a', '2024-03-05T03:00:00Z'),
          login('b', '2024-03-05T04:00:00Z'),
        ],
      ],
      ['2024-03-06', [login('a', '2024-03-06T01:00:00Z', 'FR'), del('a', '2024-03-06T02:00:00Z')]],
      ['2024-03-07', [register('c', '2024-03-07T01:00:00Z', 'US'), del('c', '2024-03-07T02:00:00Z')]],
    ]);
    const [, day2, day3] = rollups as [DailyRollup, DailyRollup, DailyRollup];
    expect(day2.totalUsers).toBe(1);
    expect(day2.counts.deletedUsers).toBe(1);
    expect(day2.countries).toEqual({ DE: 1 });
    expect(day2.recentLogins.map((u) => u.userId)).toEqual(['b']);
    expect(day2.recentRegistrations.map((u) => u.userId)).toEqual(['b']);
    expect(day3.totalUsers).toBe(1);
    expect(day3.counts.registrations).toBe(1);
    expect(day3.countries).toEqual({ DE: 1 });
    expect(day3.recentRegistrations.map((u) => u.userId)).toEqual(['b']);
  });

  it('still counts a user who logged in and was deleted later in the month as monthly active', () => {
    const { rollups } = runDays([
      ['2024-03-05', [login('a', '2024-03-05T01:00:00Z'), login('b', '2024-03-05T01:00:00Z')]],
      ['2024-03-06', [del('a', '2024-03-06T01:00:00Z')]],
    ]);
    expect(rollups.map((r) => r.monthlyActiveUsers)).toEqual([2, 2]);
  });

  it('keeps the 10 most recent distinct users newest first in the recent lists', () => {
    const day1 = Array.from({ length: 12 }, (_, i) =>
      login(`u${String(i).padStart(2, '0')}`, `2024-03-05T${String(i).padStart(2, '0')}:00:00Z`),
    );
    const day2 = [login('u00', '2024-03-06T01:00:00Z'), login('u00', '2024-03-06T02:00:00Z')];
    const { rollups } = runDays([
      ['2024-03-05', day1],
      ['2024-03-06', day2],
    ]);
    expect(rollups[0]?.recentLogins.slice(0, RECENT_USERS).map((u) => u.userId)).toEqual([
      'u11',
      'u10',
      'u09',
      'u08',
      'u07',
      'u06',
      'u05',
      'u04',
      'u03',
      'u02',
    ]);
    expect(rollups[1]?.recentLogins.slice(0, RECENT_USERS)).toEqual([
      { userId: 'u00', at: '2024-03-06T02:00:00Z' },
      ...['u11', 'u10', 'u09', 'u08', 'u07', 'u06', 'u05', 'u04', 'u03'].map((u, i) => ({
        userId: u,
        at: `2024-03-05T${String(11 - i).padStart(2, '0')}:00:00Z`,
      })),
    ]);
  });

  it('refills the recent lists with older users when one of the 10 most recent is deleted', () => {
    const day1 = Array.from({ length: 12 }, (_, i) =>
      register(`u${String(i).padStart(2, '0')}`, `2024-03-05T${String(i).padStart(2, '0')}:00:00Z`),
    );
    const { last } = runDays([
      ['2024-03-05', day1],
      ['2024-03-06', [del('u11', '2024-03-06T01:00:00Z'), del('u05', '2024-03-06T02:00:00Z')]],
    ]);
    expect(last.recentRegistrations.slice(0, RECENT_USERS).map((u) => u.userId)).toEqual([
      'u10',
      'u09',
      'u08',
      'u07',
      'u06',
      'u04',
      'u03',
      'u02',
      'u01',
      'u00',
    ]);
  });

  it('gives the same rollup when a past day is re-run after later days moved its users again', () => {
    const days: Array<[string, DayRecord[]]> = [
      [
        '2024-03-05',
        [register('a', '2024-03-05T01:00:00Z', 'DE'), register('b', '2024-03-05T02:00:00Z', 'DE')],
      ],
      ['2024-03-06', [login('a', '2024-03-06T01:00:00Z', 'FR')]],
      ['2024-03-07', [login('a', '2024-03-07T01:00:00Z', 'US'), del('b', '2024-03-07T02:00:00Z')]],
      ['2024-03-08', [login('a', '2024-03-08T01:00:00Z', 'DE')]],
    ];
    const { rollups, states } = runDays(days);
    for (const [i, [date, records]] of days.entries()) {
      const again = rollupDay(date, records, rollups[i - 1], states);
      expect(again.rollup).toEqual(rollups[i]);
      for (const [userId, state] of again.states) expect(state).toEqual(states.get(userId));
    }
    expect(rollups.map((r) => r.countries)).toEqual([{ DE: 2 }, { DE: 1, FR: 1 }, { US: 1 }, { DE: 1 }]);
  });

  it('still shows ten recent users after 40 of the 50 most recent are deleted', () => {
    const ids = Array.from({ length: 60 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    const at = (i: number) => new Date(Date.parse('2024-03-05T00:00:00Z') + i * 60_000).toISOString();
    const { last } = runDays([
      ['2024-03-05', ids.map((id, i) => register(id, at(i)))],
      ['2024-03-06', ids.slice(20).map((id) => del(id, '2024-03-06T01:00:00.000Z'))],
    ]);
    expect(last.recentRegistrations.slice(0, RECENT_USERS).map((u) => u.userId)).toEqual(
      ids.slice(10, 20).reverse(),
    );
  });

  it('gives an identical rollup and identical states when a day is re-run with the states it returned', () => {
    const { rollups, states } = runDays([
      [
        '2024-03-05',
        [register('a', '2024-03-05T01:00:00Z', 'DE'), register('b', '2024-03-05T02:00:00Z', 'DE')],
      ],
    ]);
    const day2 = [
      login('a', '2024-03-06T01:00:00Z', 'FR'),
      login('b', '2024-03-06T02:00:00Z', 'US'),
      login('b', '2024-03-06T03:00:00Z', 'DE'),
      register('c', '2024-03-06T04:00:00Z', 'JP'),
      del('b', '2024-03-06T05:00:00Z'),
      rec('app.created', '2024-03-06T06:00:00Z', { appId: 'app1' }),
    ];
    const before = new Map(states);
    const first = rollupDay('2024-03-06', day2, rollups[0], before);
    const after = new Map(before);
    for (const [id, s] of first.states) after.set(id, s);
    const snapshotOfAfter = structuredClone(after);
    const again = rollupDay('2024-03-06', [...day2].reverse(), rollups[0], after);
    expect(again.rollup).toEqual(first.rollup);
    expect(again.states).toEqual(first.states);
    expect(after).toEqual(snapshotOfAfter);
    expect(first.rollup.countries).toEqual({ FR: 1, JP: 1 });
    expect(first.rollup.monthlyActiveUsers).toBe(2);
    expect(first.rollup.totalApplications).toBe(1);
  });

  it('counts daily, weekly and monthly active users once each, over rolling windows, failures not at all', () => {
    const day = (n: number) => addDays('2024-03-01', n);
    const at = (n: number, hour: number) => `${day(n)}T${String(hour).padStart(2, '0')}:00:00Z`;
    const days: Array<[string, DayRecord[]]> = Array.from({ length: 40 }, (_, n) => [day(n), []]);
    const on = (n: number, ...records: DayRecord[]) => (days[n] as [string, DayRecord[]])[1].push(...records);
    on(0, login('a', at(0, 1)), login('a', at(0, 2)), login('b', at(0, 3)), failedLogin('c', at(0, 4)));
    on(3, login('a', at(3, 1)));
    on(10, login('b', at(10, 5)), del('b', at(10, 6)));
    const { rollups } = runDays(days);
    const active = (n: number) => activeUsersOf(rollups[n] as DailyRollup);
    expect(active(0)).toEqual({ day: 2, d7: 2, d30: 2 });
    expect(active(3)).toEqual({ day: 1, d7: 2, d30: 2 });
    expect(active(6)).toEqual({ day: 0, d7: 2, d30: 2 });
    // Seven days after its last sign-in b drops out of the week, a is still in it (day 3).
    expect(active(7)).toEqual({ day: 0, d7: 1, d30: 2 });
    expect(active(10)).toEqual({ day: 1, d7: 1, d30: 2 });
    expect(active(17)).toEqual({ day: 0, d7: 0, d30: 2 });
    // Thirty days after a's last sign-in (day 3) a leaves the month; b (day 10) later.
    expect(active(33)).toEqual({ day: 0, d7: 0, d30: 1 });
    expect(active(40 - 1)).toEqual({ day: 0, d7: 0, d30: 1 });
    expect(Object.keys(rollups[39]?.activeByLastLogin ?? {})).toEqual([day(10)]);
  });

  it('counts a user once in the active users however often their login is re-run or repeated', () => {
    const first = rollupDay('2024-03-05', [login('a', '2024-03-05T01:00:00Z')], undefined, new Map());
    const states = new Map(first.states);
    const second = rollupDay(
      '2024-03-06',
      [login('a', '2024-03-06T01:00:00Z'), login('a', '2024-03-06T09:00:00Z')],
      first.rollup,
      states,
    );
    for (const [id, s] of second.states) states.set(id, s);
    // The first day re-run after the second: the same rollup, a's later sign-in day kept.
    const rerun = rollupDay('2024-03-05', [login('a', '2024-03-05T01:00:00Z')], undefined, states);
    expect(rerun.rollup).toEqual(first.rollup);
    expect(rerun.states.get('a')?.loginDays).toEqual(['2024-03-05', '2024-03-06']);
    const again = rollupDay(
      '2024-03-06',
      [login('a', '2024-03-06T09:00:00Z'), login('a', '2024-03-06T01:00:00Z')],
      first.rollup,
      states,
    );
    expect(again.rollup).toEqual(second.rollup);
    expect(activeUsersOf(second.rollup)).toEqual({ day: 1, d7: 1, d30: 1 });
  });
});
