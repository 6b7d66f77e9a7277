import { datesEnding, snapshotOf } from '#shared/stats/snapshot';
import { rollupDay } from '#shared/stats/statistics';
import type { DynamoStatsStore } from '#store/stats';
import type { Tenant, TenantStore } from '#store/tenants';

const DAY_MS = 86_400_000;
const nextDate = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** The UTC day before `now`: the day that has just ended. */
export function dayThatEnded(now: Date): string {
  return new Date(now.getTime() - DAY_MS).toISOString().slice(0, 10);
}

export type AggregationOutcome =
  | { tenantId: string; status: 'computed'; days: string[] }
  | { tenantId: string; status: 'skipped'; reason: string };

/**
 * Computes a tenant's statistics for `date`: first any earlier days since its latest rollup (so a
 * missed run or a backfill heals itself), then `date`. Each day reads only that day's records, the
 * previous rollup, the 30-day rollup window and the state of that day's users.
 */
export async function aggregateTenantDay(
  tenantId: string,
  date: string,
  deps: { tenants: TenantStore; stats: DynamoStatsStore; now: () => Date },
): Promise<AggregationOutcome> {
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) return { tenantId, status: 'skipped', reason: 'no such tenant' };
  if (tenant.status !== 'active' || tenant.terminations.ciam || !tenant.modules.includes('ciam')) {
    return { tenantId, status: 'skipped', reason: 'tenant does not use CIAM (any more)' };
  }
  if (date >= deps.now().toISOString().slice(0, 10)) {
    return { tenantId, status: 'skipped', reason: `${date} has not ended yet` };
  }
  const opened = tenant.openedAt.slice(0, 10);
  if (date < opened) return { tenantId, status: 'skipped', reason: `${date} is before the service opened` };

  let previous = await deps.stats.latestRollupBefore(tenantId, date);
  const days: string[] = [];
  for (let day = previous ? nextDate(previous.date) : opened; day <= date; day = nextDate(day))
    days.push(day);
  for (const day of days) previous = await computeDay(tenant, day, previous, deps);
  return { tenantId, status: 'computed', days };
}

async function computeDay(
  tenant: Tenant,
  date: string,
  previous: Awaited<ReturnType<DynamoStatsStore['rollup']>>,
  deps: { stats: DynamoStatsStore; now: () => Date },
) {
  const records = await deps.stats.dayRecords(tenant.id, date, deps.now());
  const userIds = [...new Set(records.flatMap((r) => (r.userId ? [r.userId] : [])))];
  const states = await deps.stats.userStates(tenant.id, userIds);
  const { rollup, states: changed } = rollupDay(date, records, previous, states);
  // State first: a re-run after a crash here finds its own state and computes the same rollup.
  await deps.stats.saveUserStates(tenant.id, changed.values());
  const window = datesEnding(date, 30);
  const earlier = await deps.stats.rollups(tenant.id, window[0] as string, window[28] as string);
  const snapshot = snapshotOf(date, [...earlier, rollup], tenant);
  await deps.stats.saveDay(tenant.id, rollup, snapshot, deps.now());
  return rollup;
}
