import { describe, expect, it } from 'vitest';
import { datesEnding, snapshotOf } from '#shared/stats/snapshot';
import { type DailyRollup, type DayRecord, rollupDay, type UserStatState } from '#shared/stats/statistics';
import { prng } from '#test/prng';
import { truthOf } from '#test/stats-truth';

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const START = '2024-01-28'; // 35 days: through 2024-03-02, across two month changes and a leap day
const DAYS = 35;
const USERS = 200;
const COUNTRIES = ['DE', 'FR', 'US', 'JP', 'BR', 'IN'];
const TENANT = { maxUsers: 90, openedAt: `${START}T00:00:00.000Z` };
const ALL_DATES = Array.from({ length: DAYS }, (_, i) =>
  new Date(Date.parse(`${START}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10),
);

/** A 35-day tenant history; times are whole minutes (so ties happen) plus exact day boundaries. */
function generateHistory(seed: number): DayRecord[] {
  const rnd = prng(seed);
  const events: DayRecord[] = [];
  let n = 0;
  let unborn = 0; // next user number to register
  const home = new Map<string, string | undefined>();
  const active = new Set<string>();
  const everSeen: string[] = [];
  const apps: string[] = [];
  let appNo = 0;
  ALL_DATES.forEach((date, dayIndex) => {
    if (dayIndex === 12) return; // a day with no activity at all
    const dayStart = Date.parse(`${date}T00:00:00Z`);
    const lastToday = new Map<string, number>();
    const add = (type: string, offset: number, extra: Omit<Partial<DayRecord>, 'id' | 'type'> = {}) => {
      events.push({
        id: `e${String(++n).padStart(7, '0')}`,
        type,
        occurredAt: new Date(dayStart + offset).toISOString(),
        ...extra,
      });
      if (extra.userId) lastToday.set(extra.userId, Math.max(lastToday.get(extra.userId) ?? 0, offset));
    };
    const timeAfter = (min: number) => {
      const r = rnd.next();
      if (r < 0.03) return DAY_MS - 1; // 23:59:59.999
      const from = Math.ceil(min / MINUTE_MS);
      return rnd.int(from, 1439) * MINUTE_MS;
    };
    const withCountry = (userId: string, country: string | undefined) =>
      country === undefined ? { userId } : { userId, country };

    const registrations = Math.min(dayIndex === 0 ? 40 : rnd.int(2, 8), USERS - unborn);
    for (let i = 0; i < registrations; i++) {
      const userId = `u${String(unborn++).padStart(3, '0')}`;
      const country = rnd.next() < 0.1 ? undefined : rnd.pick(COUNTRIES);
      home.set(userId, country);
      active.add(userId);
      everSeen.push(userId);
      add('user.registered', i === 0 && rnd.next() < 0.5 ? 0 : timeAfter(0), withCountry(userId, country));
    }
    for (const userId of active) {
      if (rnd.next() > 0.35) continue;
      for (let k = rnd.int(1, 3); k > 0; k--) {
        const r = rnd.next();
        let country: string | undefined;
        if (r < 0.65) country = home.get(userId);
        else if (r < 0.8) {
          country = rnd.pick(COUNTRIES);
          home.set(userId, country);
        } else country = undefined;
        add('user.login', timeAfter(lastToday.get(userId) ?? 0), withCountry(userId, country));
      }
    }
    for (let i = rnd.int(3, 12); i > 0; i--) {
      const userId = rnd.next() < 0.7 && everSeen.length ? rnd.pick(everSeen) : `ghost${rnd.int(0, 50)}`;
      add('user.login_failed', timeAfter(0), { userId, country: rnd.pick(COUNTRIES) });
    }
    for (let i = rnd.int(0, 2); i > 0; i--)
      add('user.registration_failed', timeAfter(0), { userId: `ghost${rnd.int(0, 50)}`, country: 'US' });
    for (let i = rnd.int(0, 3); i > 0 && active.size > 0; i--) {
      // Prefer a user seen today now and then, so login/registration and deletion share a day.
      const seenToday = [...lastToday.keys()].filter((u) => active.has(u));
      const victim = rnd.next() < 0.5 && seenToday.length ? rnd.pick(seenToday) : rnd.pick([...active]);
      active.delete(victim);
      add('user.deleted', timeAfter(lastToday.get(victim) ?? 0), { userId: victim });
    }
    for (let i = rnd.int(0, 5); i > 0; i--)
      add('message.sms_sent', timeAfter(0), rnd.next() < 0.5 ? { userId: rnd.pick(everSeen) } : {});
    for (let i = rnd.int(0, 10); i > 0; i--) add('message.email_sent', timeAfter(0));
    for (let i = rnd.int(0, 2); i > 0; i--) {
      const appId = `app${appNo++}`;
      apps.push(appId);
      add('app.created', timeAfter(0), { appId });
    }
    if (apps.length > 1 && rnd.next() < 0.3)
      add('app.deleted', DAY_MS - 1, { appId: apps.shift() as string });
  });
  return events;
}

const dayOf = (e: DayRecord) => new Date(e.occurredAt).toISOString().slice(0, 10);

/** Runs every day like the aggregator: that day's records (shuffled), the previous rollup, its users' states. */
function aggregate(events: readonly DayRecord[], seed: number) {
  const rnd = prng(seed);
  const byDay = new Map<string, DayRecord[]>(ALL_DATES.map((d) => [d, []]));
  for (const e of events) byDay.get(dayOf(e))?.push(e);
  const all = new Map<string, UserStatState>();
  const rollups = new Map<string, DailyRollup>();
  const statesAfter = new Map<string, Map<string, UserStatState>>();
  const changes = new Map<string, Map<string, UserStatState>>();
  const inputs = new Map<string, { records: DayRecord[]; previous: DailyRollup | undefined }>();
  let previous: DailyRollup | undefined;
  for (const date of ALL_DATES) {
    const records = rnd.shuffle([...(byDay.get(date) ?? [])]);
    const { rollup, states } = rollupDay(date, records, previous, statesOf(all, records));
    inputs.set(date, { records, previous });
    for (const [id, s] of states) all.set(id, s);
    rollups.set(date, rollup);
    changes.set(date, states);
    statesAfter.set(date, structuredClone(all));
    previous = rollup;
  }
  const snapshot = (date: string) =>
    snapshotOf(
      date,
      datesEnding(date, 30).flatMap((d) => rollups.get(d) ?? []),
      TENANT,
    );
  return { rollups, statesAfter, changes, inputs, snapshot };
}

/** The states of the users a day's records name, as the store returns them. */
function statesOf(all: ReadonlyMap<string, UserStatState>, records: readonly DayRecord[]) {
  const states = new Map<string, UserStatState>();
  for (const r of records) {
    const s = r.userId ? all.get(r.userId) : undefined;
    if (s) states.set(s.userId, structuredClone(s));
  }
  return states;
}

describe.each([1, 7, 2024])('a 35-day history of %i-seeded events', (seed) => {
  const events = generateHistory(seed);
  const run = aggregate(events, seed + 1);

  it('is a rich enough history to test with', () => {
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect(count('user.registered')).toBeGreaterThan(USERS - 10);
    expect(count('user.deleted')).toBeGreaterThan(20);
    expect(count('user.login')).toBeGreaterThan(500);
    expect(events.some((e) => e.occurredAt.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(events.some((e) => e.occurredAt.endsWith('T23:59:59.999Z'))).toBe(true);
  });

  it.each(ALL_DATES.slice(-5))(
    'gives the brute-force statistics in every field of the snapshot of %s',
    (date) => {
      expect(run.snapshot(date)).toEqual(truthOf(events, date, TENANT));
    },
  );

  it('gives the brute-force totals, distribution, monthly and DAU/WAU/MAU active users at the end of every day', () => {
    for (const date of ALL_DATES) {
      const truth = truthOf(events, date, TENANT);
      const rollup = run.rollups.get(date) as DailyRollup;
      expect({ date, totalUsers: rollup.totalUsers, mau: rollup.monthlyActiveUsers }).toEqual({
        date,
        totalUsers: truth.totalUsers,
        mau: truth.resourceUsage.monthlyActiveUsers,
      });
      expect(run.snapshot(date).userDistribution).toEqual(truth.userDistribution);
      expect({ date, active: run.snapshot(date).activeUsers }).toEqual({ date, active: truth.activeUsers });
      expect(run.snapshot(date).recentLogins).toEqual(truth.recentLogins);
      expect(run.snapshot(date).recentRegistrations).toEqual(truth.recentRegistrations);
    }
  });

  it('changes no number and no state when any day is re-run with the states as they were after it', () => {
    for (const date of ALL_DATES) {
      const { records, previous } = run.inputs.get(date) as { records: DayRecord[]; previous?: DailyRollup };
      const after = run.statesAfter.get(date) as Map<string, UserStatState>;
      const again = rollupDay(date, [...records].reverse(), previous, statesOf(after, records));
      expect(again.rollup).toEqual(run.rollups.get(date));
      expect(again.states).toEqual(run.changes.get(date));
    }
  });

  it('changes no number and no state when any past day is re-run after the whole history', () => {
    const final = run.statesAfter.get(ALL_DATES[DAYS - 1] as string) as Map<string, UserStatState>;
    for (const date of ALL_DATES) {
      const { records, previous } = run.inputs.get(date) as { records: DayRecord[]; previous?: DailyRollup };
      const again = rollupDay(date, records, previous, statesOf(final, records));
      expect(again.rollup).toEqual(run.rollups.get(date));
      for (const [userId, state] of again.states) expect(state).toEqual(final.get(userId));
    }
  });
});
