// The console statistics of SPEC §3 as pure functions: one UTC day's records plus the previous
// day's rollup and the per-user state of that day's users give the day's rollup; thirty rollups give
// the snapshot. Nothing here reads more than one day of records, whatever the tenant's history.
import { addDays } from '#shared/time';

/** A captured CIAM record as the statistics read it. */
export interface DayRecord {
  id: string;
  type: string;
  occurredAt: string;
  userId?: string;
  appId?: string;
  country?: string;
}

export interface RecentUser {
  userId: string;
  at: string;
}

/** What one day contributes, plus the running totals at its end. */
export interface DailyRollup {
  date: string;
  counts: {
    logins: number;
    failedLogins: number;
    registrations: number;
    deletedUsers: number;
    smsSent: number;
    emailsSent: number;
    appsCreated: number;
    appsDeleted: number;
    newMonthlyActive: number;
  };
  totalUsers: number;
  totalApplications: number;
  monthlyActiveUsers: number;
  countries: Record<string, number>;
  /**
   * Active users of the 30 days ending with `date`, each counted once on the day of their latest
   * successful login in that window (day -> users). DAU, WAU and MAU are sums over its tail.
   */
  activeByLastLogin?: Record<string, number>;
  recentLogins: RecentUser[];
  recentRegistrations: RecentUser[];
}

/** Per-user facts the statistics keep between days (the only state besides rollups). */
export interface UserStatState {
  userId: string;
  /**
   * The user's known location over time: each entry is the country from the end of `day` on
   * (`null` once deleted). Kept as a history so that re-running any past day sees the country the
   * user had the day before, whatever later days have already recorded.
   */
  countries: Array<{ day: string; country: string | null }>;
  /** First day with a successful login, per calendar month (yyyy-mm -> yyyy-mm-dd). */
  firstLoginByMonth: Record<string, string>;
  /**
   * Days with a successful login, oldest first: the days of the ACTIVE_WINDOW_DAYS before the
   * newest one and more (LOGIN_DAYS_KEPT), so a re-run of a past day finds the user's previous
   * sign-in day and counts them once in the active users.
   */
  loginDays?: string[];
  /** The first day the user was known (registered or signed in): from then on in the directory. */
  seen?: string;
  /** The first day the user was deleted: from then on out of the directory, for good. */
  deleted?: string;
}

/** Whether a user is in the directory at the end of `day`: known by then, and not deleted by then. */
export function inDirectory(state: UserStatState | undefined, day: string): boolean {
  return (
    state?.seen !== undefined && state.seen <= day && !(state.deleted !== undefined && state.deleted <= day)
  );
}

const earliest = (a: string | undefined, b: string) => (a === undefined || b < a ? b : a);

/** The country a user had at the end of `day` (undefined: unknown or deleted). */
export function countryAsOf(state: UserStatState | undefined, day: string): string | undefined {
  let country: string | null | undefined;
  for (const entry of state?.countries ?? []) if (entry.day <= day) country = entry.country;
  return country ?? undefined;
}

/** Records the country a user has from the end of `day` on (null: deleted), keeping the history minimal. */
function setCountry(
  state: UserStatState,
  day: string,
  country: string | null,
  before: string | undefined,
): void {
  state.countries = state.countries.filter((e) => e.day !== day);
  if ((country ?? undefined) === before) return;
  state.countries.push({ day, country });
  state.countries.sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** Daily, weekly and monthly active users: distinct users with a successful login in the 1, 7 and 30 days ending with a day. */
export const ACTIVE_WINDOW_DAYS = { day: 1, d7: 7, d30: 30 } as const;
/**
 * How far back of a user's newest sign-in day their sign-in days are kept: a re-run of any day up
 * to ACTIVE_WINDOW_DAYS.d30 days before it finds the previous sign-in day it needs (older ones
 * could only matter to re-running a day older than that).
 */
export const LOGIN_DAYS_KEPT = 2 * ACTIVE_WINDOW_DAYS.d30;

/** The active users of the rolling windows ending with a rollup's day (exact: each user once). */
export function activeUsersOf(rollup: DailyRollup): { day: number; d7: number; d30: number } {
  const histogram = rollup.activeByLastLogin ?? {};
  const within = (n: number) => {
    const first = addDays(rollup.date, 1 - n);
    let users = 0;
    for (const [day, count] of Object.entries(histogram))
      if (day >= first && day <= rollup.date) users += count;
    return users;
  };
  return {
    day: within(ACTIVE_WINDOW_DAYS.day),
    d7: within(ACTIVE_WINDOW_DAYS.d7),
    d30: within(ACTIVE_WINDOW_DAYS.d30),
  };
}

export const RECENT_USERS = 10;
/**
 * Recent users a rollup keeps: more than the console shows, so that deleting some of them still
 * leaves the ten most recent of the rest (exact unless over 40 of the 50 latest are deleted before
 * anyone signs in again).
 */
export const RECENT_BUFFER = 50;

const byTimeThenId = (a: DayRecord, b: DayRecord) =>
  a.occurredAt === b.occurredAt
    ? a.id < b.id
      ? -1
      : a.id > b.id
        ? 1
        : 0
    : a.occurredAt < b.occurredAt
      ? -1
      : 1;

/**
 * The application records of one day, derived from the applications: a creation on its day, and a
 * deletion on its day only for an application that was created before it (an unknown or repeated
 * deletion counts for nothing).
 */
export function applicationRecords(
  applications: ReadonlyArray<{ appId: string; createdAt?: string; deletedAt?: string }>,
  date: string,
): DayRecord[] {
  const records: DayRecord[] = [];
  for (const app of applications) {
    if (app.createdAt?.startsWith(date))
      records.push({
        id: `app#${app.appId}#created`,
        type: 'app.created',
        occurredAt: app.createdAt,
        appId: app.appId,
      });
    if (app.deletedAt?.startsWith(date) && app.createdAt !== undefined && app.createdAt <= app.deletedAt)
      records.push({
        id: `app#${app.appId}#deleted`,
        type: 'app.deleted',
        occurredAt: app.deletedAt,
        appId: app.appId,
      });
  }
  return records;
}

/**
 * The rollup of `date` and the per-user state after it. Records must all be of `date`; duplicates
 * cannot occur (capture stores an id once). Re-running a day with the same inputs gives the same
 * rollup, and the returned state makes the re-run's state identical too.
 */
export function rollupDay(
  date: string,
  records: readonly DayRecord[],
  previous: DailyRollup | undefined,
  states: ReadonlyMap<string, UserStatState>,
): { rollup: DailyRollup; states: Map<string, UserStatState> } {
  const sorted = [...records].sort(byTimeThenId);
  const count = (type: string) => sorted.filter((r) => r.type === type).length;
  const month = date.slice(0, 7);
  const next = new Map<string, UserStatState>();
  const stateOf = (userId: string) => {
    const found: UserStatState = next.get(userId) ??
      structuredClone(states.get(userId)) ?? { userId, countries: [], firstLoginByMonth: {} };
    next.set(userId, found);
    return found;
  };
  const dayBefore = addDays(date, -1);

  const countries = { ...(previous?.countries ?? {}) };
  const move = (from: string | undefined, to: string | undefined) => {
    if (from === to) return;
    if (from !== undefined) countries[from] = (countries[from] ?? 0) - 1;
    if (countries[from ?? ''] === 0) delete countries[from ?? ''];
    if (to !== undefined) countries[to] = (countries[to] ?? 0) + 1;
  };

  const lastCountry = new Map<string, string>();
  const loggedIn = new Set<string>();
  const known = new Set<string>();
  const deleted = new Set<string>();
  for (const r of sorted) {
    if (!r.userId) continue;
    if ((r.type === 'user.login' || r.type === 'user.registered') && r.country)
      lastCountry.set(r.userId, r.country);
    if (r.type === 'user.login' || r.type === 'user.registered') known.add(r.userId);
    if (r.type === 'user.login') loggedIn.add(r.userId);
    if (r.type === 'user.deleted') deleted.add(r.userId);
  }

  // The directory: a user enters when first known and leaves when first deleted, never to return,
  // so a repeated or unknown deletion changes nothing and no total can fall below zero.
  let joined = 0;
  let left = 0;
  for (const userId of new Set([...known, ...deleted])) {
    const before = inDirectory(states.get(userId), dayBefore);
    const s = stateOf(userId);
    if (known.has(userId)) s.seen = earliest(s.seen, date);
    if (deleted.has(userId)) s.deleted = earliest(s.deleted, date);
    const after = inDirectory(s, date);
    if (!before && after) joined += 1;
    if (before && !after) left += 1;
  }

  // Monthly active: a user counts on the first day of the month with a successful login.
  let newMonthlyActive = 0;
  for (const userId of loggedIn) {
    const s = stateOf(userId);
    const first = s.firstLoginByMonth[month];
    if (first === undefined || first >= date) {
      newMonthlyActive += 1;
      s.firstLoginByMonth[month] = date;
    }
  }

  // Active users: each user sits once in the histogram, on their latest sign-in day of the window.
  const windowStart = addDays(date, 1 - ACTIVE_WINDOW_DAYS.d30);
  const activeByLastLogin: Record<string, number> = {};
  for (const [day, users] of Object.entries(previous?.activeByLastLogin ?? {}))
    if (day >= windowStart && day < date && users > 0) activeByLastLogin[day] = users;
  for (const userId of loggedIn) {
    const s = stateOf(userId);
    const days = s.loginDays ?? [];
    const before = days.filter((d) => d < date).at(-1);
    if (before !== undefined && before >= windowStart && (activeByLastLogin[before] ?? 0) > 0) {
      activeByLastLogin[before] = (activeByLastLogin[before] ?? 0) - 1;
      if (activeByLastLogin[before] === 0) delete activeByLastLogin[before];
    }
    activeByLastLogin[date] = (activeByLastLogin[date] ?? 0) + 1;
    const all = [...new Set([...days, date])].sort();
    const keepFrom = addDays(all.at(-1) as string, -LOGIN_DAYS_KEPT);
    s.loginDays = all.filter((d) => d >= keepFrom);
  }

  for (const [userId, country] of lastCountry) {
    if (deleted.has(userId) || !inDirectory(stateOf(userId), date)) continue;
    const s = stateOf(userId);
    const before = countryAsOf(s, dayBefore);
    move(before, country);
    setCountry(s, date, country, before);
  }
  for (const userId of deleted) {
    const s = stateOf(userId);
    const before = inDirectory(states.get(userId), dayBefore) ? countryAsOf(s, dayBefore) : undefined;
    move(before, undefined);
    setCountry(s, date, null, countryAsOf(s, dayBefore));
  }

  const sameMonth = previous?.date.slice(0, 7) === month;
  const counts = {
    logins: count('user.login'),
    failedLogins: count('user.login_failed'),
    registrations: count('user.registered'),
    deletedUsers: left,
    smsSent: count('message.sms_sent'),
    emailsSent: count('message.email_sent'),
    appsCreated: count('app.created'),
    appsDeleted: count('app.deleted'),
    newMonthlyActive,
  };
  const rollup: DailyRollup = {
    date,
    counts,
    totalUsers: (previous?.totalUsers ?? 0) + joined - left,
    // Application records are derived from the applications themselves (applicationRecords): a
    // deletion is only ever one of an application created before, so this cannot fall below zero.
    totalApplications: (previous?.totalApplications ?? 0) + counts.appsCreated - counts.appsDeleted,
    monthlyActiveUsers: (sameMonth ? (previous?.monthlyActiveUsers ?? 0) : 0) + newMonthlyActive,
    countries,
    activeByLastLogin,
    recentLogins: recent(previous?.recentLogins, sorted, 'user.login', deleted),
    recentRegistrations: recent(previous?.recentRegistrations, sorted, 'user.registered', deleted),
  };
  return { rollup, states: next };
}

/** The ten most recent distinct users of a kind, newest first, without deleted users. */
function recent(
  previous: RecentUser[] | undefined,
  sorted: DayRecord[],
  type: string,
  deleted: Set<string>,
): RecentUser[] {
  const latest = new Map<string, string>();
  for (const u of previous ?? []) latest.set(u.userId, u.at);
  for (const r of sorted)
    if (r.type === type && r.userId && r.occurredAt >= (latest.get(r.userId) ?? ''))
      latest.set(r.userId, r.occurredAt);
  return [...latest]
    .filter(([userId]) => !deleted.has(userId))
    .map(([userId, at]) => ({ userId, at }))
    .sort((a, b) => (a.at === b.at ? (a.userId < b.userId ? -1 : 1) : a.at < b.at ? 1 : -1))
    .slice(0, RECENT_BUFFER);
}
