import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authenticateTenant } from '#http/auth';
import { badRequest, gone, notFound } from '#http/problem';
import { category, type ModuleId } from '#policy/index';
import type { DynamoStatsStore } from '#store/stats';
import type { Tenant, TenantStore } from '#store/tenants';

/** The longest range one request may ask for. */
export const MAX_RANGE_DAYS = 90;
const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface StatsDeps {
  tenants: TenantStore;
  stats: DynamoStatsStore;
  now: () => Date;
}

function dateParam(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.queryStringParameters?.[name];
  if (
    !value ||
    !DATE.test(value) ||
    Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
    new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value
  ) {
    throw badRequest(`Query parameter ${name} must be a date YYYY-MM-DD.`, {
      issues: [{ pointer: `?${name}`, detail: 'a date YYYY-MM-DD' }],
    });
  }
  return value;
}

/**
 * The tenant of a statistics request; 410 once it terminated the module the statistics belong to:
 * they are kept until termination, so from its first moment they are past their deadline, even
 * while terminateAccount has not deleted them yet (the tenant stays active for its other modules).
 */
async function statisticsTenant(event: APIGatewayProxyEventV2, tenants: TenantStore): Promise<Tenant> {
  const tenant = await authenticateTenant(event, tenants);
  const module = category('statistical-data').module as ModuleId;
  if (tenant.terminations[module])
    throw gone(
      `Tenant ${tenant.id} terminated the ${module} module; its statistics are no longer available.`,
    );
  return tenant;
}

const today = (now: Date) => now.toISOString().slice(0, 10);
const lag =
  'A day is computed after it ends (shortly after 00:00 UTC); the current day is never served as final.';

/** GET /v1/stats?date=: the console statistics of one UTC day that has ended and been computed. */
export async function statsOfDay(event: APIGatewayProxyEventV2, deps: StatsDeps) {
  const tenant = await statisticsTenant(event, deps.tenants);
  const date = dateParam(event, 'date');
  if (date >= today(deps.now())) throw notFound(`There are no final statistics for ${date} yet. ${lag}`);
  const [snapshot] = await deps.stats.snapshots(tenant.id, date, date);
  if (!snapshot) throw notFound(`The statistics of ${date} have not been computed (yet). ${lag}`);
  return { tenantId: tenant.id, final: true, ...snapshot };
}

/** GET /v1/stats/range?from=&to=: the computed days of a range of at most 90 days. */
export async function statsOfRange(event: APIGatewayProxyEventV2, deps: StatsDeps) {
  const tenant = await statisticsTenant(event, deps.tenants);
  const from = dateParam(event, 'from');
  const to = dateParam(event, 'to');
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days < 1) throw badRequest(`from (${from}) must not be after to (${to}).`);
  if (days > MAX_RANGE_DAYS)
    throw badRequest(`The range has ${days} days; at most ${MAX_RANGE_DAYS} are served at once.`);
  const snapshots = await deps.stats.snapshots(tenant.id, from, to);
  const computed = new Set(snapshots.map((s) => s.date));
  const notComputed = Array.from({ length: days }, (_, i) =>
    new Date(Date.parse(`${from}T00:00:00Z`) + i * DAY_MS).toISOString().slice(0, 10),
  ).filter((d) => !computed.has(d));
  return { tenantId: tenant.id, from, to, final: true, days: snapshots, notComputed, note: lag };
}
