import { category, type ModuleId } from '#policy/index';
import { InvalidInput, ModuleTerminated, NotFound } from '#shared/errors';
import { daysBetween, isCalendarDate, utcDay } from '#shared/time';
import type { StatsStore, Tenant } from '#store/ports';

/** The longest range one request may ask for. */
export const MAX_RANGE_DAYS = 90;

export interface StatsDeps {
  stats: StatsStore;
  now: () => Date;
}

const lag =
  'A day is computed after it ends (shortly after 00:00 UTC); the current day is never served as final.';

/** A date query parameter, or InvalidInput naming it. */
export function dateParameter(query: Record<string, string | undefined> | undefined, name: string): string {
  const value = query?.[name];
  if (!isCalendarDate(value))
    throw new InvalidInput(`Query parameter ${name} must be a date YYYY-MM-DD that exists.`, [
      { pointer: `?${name}`, detail: 'a date YYYY-MM-DD' },
    ]);
  return value;
}

/**
 * Statistics are kept until termination: from its first moment they are past their deadline, even
 * while terminateAccount has not deleted them yet (the tenant stays active for its other modules).
 */
function refuseTerminated(tenant: Tenant): void {
  const module = category('statistical-data').module as ModuleId;
  if (tenant.terminations[module])
    throw new ModuleTerminated(
      `Tenant ${tenant.id} terminated the ${module} module; its statistics are no longer available.`,
    );
}

/** The console statistics of one UTC day that has ended and been computed. */
export async function statsOfDay(input: { tenant: Tenant; date: string }, deps: StatsDeps) {
  const { tenant, date } = input;
  refuseTerminated(tenant);
  const opened = tenant.openedAt.slice(0, 10);
  if (date < opened)
    throw new NotFound(
      `There are no statistics for ${date}: the tenant's service opened on ${opened}, and nothing before it is accepted or counted.`,
    );
  if (date >= utcDay(deps.now())) throw new NotFound(`There are no final statistics for ${date} yet. ${lag}`);
  const [snapshot] = await deps.stats.snapshots(tenant.id, date, date);
  if (!snapshot) throw new NotFound(`The statistics of ${date} have not been computed yet. ${lag}`);
  return { tenantId: tenant.id, final: true, ...snapshot };
}

/** The computed days of a range of at most 90 days; days before the service opened are listed as such. */
export async function statsOfRange(input: { tenant: Tenant; from: string; to: string }, deps: StatsDeps) {
  const { tenant, from, to } = input;
  refuseTerminated(tenant);
  const days = daysBetween(from, to);
  if (from > to)
    throw new InvalidInput(`from (${from}) must not be after to (${to}).`, [
      { pointer: '?from', detail: 'not after to' },
    ]);
  if (days.length > MAX_RANGE_DAYS)
    throw new InvalidInput(
      `The range has ${days.length} days; at most ${MAX_RANGE_DAYS} are served at once.`,
      [{ pointer: '?to', detail: `at most ${MAX_RANGE_DAYS} days after from` }],
    );
  const snapshots = await deps.stats.snapshots(tenant.id, from, to);
  const computed = new Set(snapshots.map((s) => s.date));
  const opened = tenant.openedAt.slice(0, 10);
  const beforeOpening = days.filter((d) => d < opened);
  const notComputed = days.filter((d) => d >= opened && !computed.has(d));
  return {
    tenantId: tenant.id,
    from,
    to,
    final: true,
    days: snapshots,
    notComputed,
    ...(beforeOpening.length ? { beforeServiceOpened: beforeOpening } : {}),
    note: lag,
  };
}
