import { daysEnding } from '#shared/time';
import { activeUsersOf, type DailyRollup, RECENT_USERS, type RecentUser } from './statistics.ts';

/** The console statistics of one tenant for one UTC day (SPEC §3). */
export interface StatsSnapshot {
  date: string;
  totalUsers: number;
  totalApplications: number;
  logins7d: number;
  registrations7d: number;
  failedLogins7d: number;
  smsSent: { day: number; d7: number; d30: number };
  emailsSent: { day: number; d7: number; d30: number };
  userGrowth: {
    yesterday: number;
    d7: number;
    d30: number;
    series: Array<{ date: string; newUsers: number }>;
  };
  userDistribution: Array<{ country: string; users: number }>;
  /** What happened on `date` itself: successful and failed logins, registrations. */
  dayActivity: { logins: number; failedLogins: number; registrations: number };
  /** DAU, WAU and MAU: distinct users with a successful login in the 1, 7 and 30 days ending with `date`. */
  activeUsers: { day: number; d7: number; d30: number };
  recentLogins: RecentUser[];
  recentRegistrations: RecentUser[];
  resourceUsage: {
    monthlyActiveUsers: number;
    maxUsers: number;
    usageStatus: 'normal' | 'warning' | 'exceeded';
    serviceOpenedAt: string;
  };
}

/** `n` consecutive UTC dates ending with `date`, oldest first. */
export const datesEnding = daysEnding;

/** The share of the plan's user limit in use, as the console colours it. */
export function usageStatus(
  monthlyActiveUsers: number,
  maxUsers: number,
): StatsSnapshot['resourceUsage']['usageStatus'] {
  if (monthlyActiveUsers >= maxUsers) return 'exceeded';
  if (monthlyActiveUsers * 5 >= maxUsers * 4) return 'warning';
  return 'normal';
}

/**
 * The snapshot of `date` from the rollups of the 30 days ending with it (a day without a rollup had
 * no activity) and the tenant's plan.
 */
export function snapshotOf(
  date: string,
  rollups: readonly DailyRollup[],
  tenant: { maxUsers: number; openedAt: string },
): StatsSnapshot {
  const byDate = new Map(rollups.map((r) => [r.date, r]));
  const today = byDate.get(date);
  if (!today) throw new Error(`No rollup for ${date}`);
  const window = (n: number) => datesEnding(date, n).flatMap((d) => byDate.get(d) ?? []);
  const sum = (n: number, pick: (r: DailyRollup) => number) =>
    window(n).reduce((total, r) => total + pick(r), 0);
  const usage = (pick: (r: DailyRollup) => number) => ({
    day: pick(today),
    d7: sum(7, pick),
    d30: sum(30, pick),
  });

  return {
    date,
    totalUsers: today.totalUsers,
    totalApplications: today.totalApplications,
    logins7d: sum(7, (r) => r.counts.logins),
    registrations7d: sum(7, (r) => r.counts.registrations),
    failedLogins7d: sum(7, (r) => r.counts.failedLogins),
    smsSent: usage((r) => r.counts.smsSent),
    emailsSent: usage((r) => r.counts.emailsSent),
    userGrowth: {
      yesterday: today.counts.registrations,
      d7: sum(7, (r) => r.counts.registrations),
      d30: sum(30, (r) => r.counts.registrations),
      series: datesEnding(date, 30).map((d) => ({
        date: d,
        newUsers: byDate.get(d)?.counts.registrations ?? 0,
      })),
    },
    userDistribution: Object.entries(today.countries)
      .filter(([, users]) => users > 0)
      .map(([country, users]) => ({ country, users }))
      .sort((a, b) => b.users - a.users || a.country.localeCompare(b.country)),
    dayActivity: {
      logins: today.counts.logins,
      failedLogins: today.counts.failedLogins,
      registrations: today.counts.registrations,
    },
    activeUsers: activeUsersOf(today),
    recentLogins: today.recentLogins.slice(0, RECENT_USERS),
    recentRegistrations: today.recentRegistrations.slice(0, RECENT_USERS),
    resourceUsage: {
      monthlyActiveUsers: today.monthlyActiveUsers,
      maxUsers: tenant.maxUsers,
      usageStatus: usageStatus(today.monthlyActiveUsers, tenant.maxUsers),
      serviceOpenedAt: tenant.openedAt,
    },
  };
}
