import type { StatsSnapshot } from '#shared/stats/snapshot';

type Event = {
  id: string;
  type: string;
  occurredAt: string;
  userId?: unknown;
  country?: unknown;
  appId?: unknown;
};
const DAY_MS = 86_400_000;
const dayOf = (e: Event) => e.occurredAt.slice(0, 10);
const shift = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const order = (a: Event, b: Event) =>
  a.occurredAt === b.occurredAt ? (a.id < b.id ? -1 : 1) : a.occurredAt < b.occurredAt ? -1 : 1;

/**
 * The statistics of `date` computed the obvious way, straight from every event ever captured: the
 * reference the incremental rollups must equal exactly.
 */
export function truthOf(
  events: readonly Event[],
  date: string,
  tenant: { maxUsers: number; openedAt: string },
): StatsSnapshot {
  const upTo = events.filter((e) => dayOf(e) <= date).sort(order);
  const inDays = (n: number, type: string) =>
    upTo.filter((e) => e.type === type && dayOf(e) > shift(date, -n)).length;
  const usage = (type: string) => ({ day: inDays(1, type), d7: inDays(7, type), d30: inDays(30, type) });
  const deleted = new Set(upTo.filter((e) => e.type === 'user.deleted').map((e) => String(e.userId)));

  const country = new Map<string, string>();
  for (const e of upTo)
    if ((e.type === 'user.login' || e.type === 'user.registered') && typeof e.country === 'string')
      country.set(String(e.userId), e.country);
  const distribution = new Map<string, number>();
  for (const [user, c] of country)
    if (!deleted.has(user)) distribution.set(c, (distribution.get(c) ?? 0) + 1);

  const recent = (type: string) => {
    const latest = new Map<string, string>();
    for (const e of upTo)
      if (e.type === type && !deleted.has(String(e.userId))) latest.set(String(e.userId), e.occurredAt);
    return [...latest]
      .map(([userId, at]) => ({ userId, at }))
      .sort((a, b) => (a.at === b.at ? (a.userId < b.userId ? -1 : 1) : a.at < b.at ? 1 : -1))
      .slice(0, 10);
  };
  // Active users: distinct users with a successful login in the n days ending with `date`.
  const activeIn = (n: number) =>
    new Set(
      upTo.filter((e) => e.type === 'user.login' && dayOf(e) > shift(date, -n)).map((e) => String(e.userId)),
    ).size;
  const monthStart = `${date.slice(0, 7)}-01`;
  const mau = new Set(
    upTo.filter((e) => e.type === 'user.login' && dayOf(e) >= monthStart).map((e) => String(e.userId)),
  ).size;
  // The directory: every user known by then (registered or signed in), less the deleted ones.
  const known = new Set(
    upTo.filter((e) => e.type === 'user.registered' || e.type === 'user.login').map((e) => String(e.userId)),
  );
  const appIds = (type: string) =>
    new Set(upTo.filter((e) => e.type === type).map((e) => String((e as { appId?: unknown }).appId)));
  const [createdApps, deletedApps] = [appIds('app.created'), appIds('app.deleted')];

  return {
    date,
    totalUsers: [...known].filter((u) => !deleted.has(u)).length,
    totalApplications: [...createdApps].filter((a) => !deletedApps.has(a)).length,
    logins7d: inDays(7, 'user.login'),
    registrations7d: inDays(7, 'user.registered'),
    failedLogins7d: inDays(7, 'user.login_failed'),
    smsSent: usage('message.sms_sent'),
    emailsSent: usage('message.email_sent'),
    userGrowth: {
      yesterday: inDays(1, 'user.registered'),
      d7: inDays(7, 'user.registered'),
      d30: inDays(30, 'user.registered'),
      series: Array.from({ length: 30 }, (_, i) => shift(date, i - 29)).map((d) => ({
        date: d,
        newUsers: upTo.filter((e) => e.type === 'user.registered' && dayOf(e) === d).length,
      })),
    },
    userDistribution: [...distribution]
      .map(([c, users]) => ({ country: c, users }))
      .sort((a, b) => b.users - a.users || a.country.localeCompare(b.country)),
    dayActivity: {
      logins: inDays(1, 'user.login'),
      failedLogins: inDays(1, 'user.login_failed'),
      registrations: inDays(1, 'user.registered'),
    },
    activeUsers: {
      day: activeIn(1),
      d7: activeIn(7),
      d30: activeIn(30),
    },
    recentLogins: recent('user.login'),
    recentRegistrations: recent('user.registered'),
    resourceUsage: {
      monthlyActiveUsers: mau,
      maxUsers: tenant.maxUsers,
      usageStatus: mau >= tenant.maxUsers ? 'exceeded' : mau >= 0.8 * tenant.maxUsers ? 'warning' : 'normal',
      serviceOpenedAt: tenant.openedAt,
    },
  };
}
