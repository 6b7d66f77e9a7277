import { snapshotOf } from '#shared/stats/snapshot';
import { applicationRecords, type DailyRollup, rollupDay } from '#shared/stats/statistics';
import { addDays, DAY_MS, daysBetween, daysEnding, utcDay } from '#shared/time';
import type { ApplicationStore, StatsStore, Tenant, TenantStore } from '#store/ports';

/** The UTC day before `now`: the day that has just ended. */
export function dayThatEnded(now: Date): string {
  return utcDay(new Date(now.getTime() - DAY_MS));
}

export interface AggregationDeps {
  tenants: TenantStore;
  stats: StatsStore;
  applications: ApplicationStore;
  now: () => Date;
  /** Milliseconds this invocation may still use: no day is begun that could not be finished. */
  remainingMs: () => number;
}

export type AggregationOutcome =
  | { tenantId: string; status: 'computed'; days: string[] }
  | { tenantId: string; status: 'partly-computed'; days: string[]; left: string[] }
  | { tenantId: string; status: 'skipped'; reason: string };

/** Time kept in reserve per day: a day's reads and writes take well under a second. */
const DAY_RESERVE_MS = 5_000;

/**
 * Computes a tenant's statistics for `date`: first any earlier days since its latest rollup (so a
 * missed run or a backfill heals itself), then `date`. Each day reads only that day's records, the
 * previous rollup, the 30-day rollup window, the state of that day's users and the applications.
 * A tenant that terminated CIAM gets nothing written: its statistics are gone with the termination.
 */
export async function aggregateTenantDay(
  tenantId: string,
  date: string,
  deps: AggregationDeps,
): Promise<AggregationOutcome> {
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) return { tenantId, status: 'skipped', reason: 'no such tenant' };
  if (tenant.status !== 'active' || tenant.terminations.ciam || !tenant.modules.includes('ciam'))
    return { tenantId, status: 'skipped', reason: 'tenant does not use CIAM (any more)' };
  if (date >= utcDay(deps.now())) return { tenantId, status: 'skipped', reason: `${date} has not ended yet` };
  const opened = tenant.openedAt.slice(0, 10);
  if (date < opened)
    return { tenantId, status: 'skipped', reason: `${date} is before the service opened (${opened})` };

  let previous = await deps.stats.latestRollupBefore(tenantId, date);
  const days = daysBetween(previous ? addDays(previous.date, 1) : opened, date);
  const done: string[] = [];
  for (const day of days) {
    if (deps.remainingMs() < DAY_RESERVE_MS)
      return { tenantId, status: 'partly-computed', days: done, left: days.slice(done.length) };
    previous = await computeDay(tenant, day, previous, deps);
    done.push(day);
  }
  return { tenantId, status: 'computed', days: done };
}

async function computeDay(
  tenant: Tenant,
  date: string,
  previous: DailyRollup | undefined,
  deps: AggregationDeps,
) {
  const [records, applications] = await Promise.all([
    deps.stats.dayRecords(tenant.id, date, deps.now()),
    deps.applications.list(tenant.id),
  ]);
  const userIds = [...new Set(records.flatMap((r) => (r.userId ? [r.userId] : [])))];
  const states = await deps.stats.userStates(tenant.id, userIds);
  const { rollup, states: next } = rollupDay(
    date,
    [...records, ...applicationRecords(applications, date)],
    previous,
    states,
  );
  // Only states that changed are written: most users' state is the same after a day of sign-ins.
  const changed = [...next.values()].filter(
    (s) => JSON.stringify(s) !== JSON.stringify(states.get(s.userId)),
  );
  // State first: a re-run after a crash here finds its own state and computes the same rollup.
  await deps.stats.saveUserStates(tenant.id, changed);
  const window = daysEnding(date, 30);
  const earlier = await deps.stats.rollups(tenant.id, window[0] as string, window[28] as string);
  const snapshot = snapshotOf(date, [...earlier, rollup], tenant);
  await deps.stats.saveDay(tenant.id, rollup, snapshot, deps.now());
  return rollup;
}
