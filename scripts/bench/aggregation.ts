import { DynamoApplicationStore } from '#store/applications';
import { DynamoStatsStore } from '#store/stats';
import { DynamoTenantStore } from '#store/tenants';
import { prng } from '#test/prng';
import { storeHistory } from '#test/sweep';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import { type BenchCloud, benchDb } from './cloud.ts';
import { atMost, ratios, summarise, timed } from './measure.ts';
import type { Figure, Sizes } from './sizes.ts';

const DAY_MS = 86_400_000;
const TYPES = [
  'user.login',
  'user.login',
  'user.login',
  'user.registered',
  'user.login_failed',
  'message.sms_sent',
];
const COUNTRIES = ['DE', 'FR', 'JP', 'US', 'GB', 'BR', 'IN'];

/**
 * One tenant-day computed for a tenant with `historyDays` of history and for one with ten times as
 * many, the same records on the measured day: the time and read units of that day. The smaller
 * history already fills the 30-day window of the statistics, so what grows is only what lies
 * beyond it (older rollups, users' longer histories).
 */
export async function aggregationScale(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const cloud = await bench.copy();
  const { db, capacity } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const deps = {
    tenants: new DynamoTenantStore(db, cloud.tables.TenantsTable as string),
    stats: new DynamoStatsStore(db, cloud.tables.RecordsTable as string),
    applications: new DynamoApplicationStore(db, cloud.tables.RecordsTable as string),
    remainingMs: () => 600_000,
    now: () => new Date(),
  };
  const day = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
  const tenants: Record<'small' | 'large', string> = { small: '', large: '' };
  // Both histories are laid down and computed at the same time (untimed): it is the slow part.
  const setUp = async (size: 'small' | 'large', days: number) => {
    const dayStart = Date.parse(`${day}T00:00:00Z`);
    const openedAt = new Date(dayStart - days * DAY_MS).toISOString();
    const tenant = await createTenant(
      { name: `Bench ${size}`, modules: ['ciam'], maxUsers: 100_000, region: 'DE', openedAt },
      deps.tenants,
      new Date(),
    );
    tenants[size] = tenant.id;
    // The same users and the same mix every day: only the length of the history differs.
    const random = prng(7);
    const users = sizes.dayRecords * 2;
    const record = (daysBefore: number) => ({
      type: random.pick(TYPES),
      occurredAt: new Date(dayStart - daysBefore * DAY_MS + random.int(0, DAY_MS - 1)),
      fields: { userId: `u-${random.int(1, users)}`, country: random.pick(COUNTRIES) },
    });
    const records = [
      ...Array.from({ length: days * sizes.historyDayRecords }, (_, i) =>
        record(1 + Math.floor(i / sizes.historyDayRecords)),
      ),
      ...Array.from({ length: sizes.dayRecords }, () => record(0)),
    ];
    await storeHistory(cloud, tenant.id, records, { concurrency: 16 });
    // Every earlier day computed first (untimed): the measured run computes the one day alone.
    await aggregateTenantDay(tenant.id, day, deps);
  };
  await Promise.all([setUp('small', sizes.historyDays), setUp('large', sizes.historyDays * 10)]);
  const time: Record<'small' | 'large', number[]> = { small: [], large: [] };
  const reads: Record<'small' | 'large', number[]> = { small: [], large: [] };
  for (let rep = 0; rep < sizes.reps; rep++) {
    const order = rep % 2 ? (['large', 'small'] as const) : (['small', 'large'] as const);
    for (const size of order) {
      capacity.reset();
      const { ms, value } = await timed(() => aggregateTenantDay(tenants[size], day, deps));
      if (value.status !== 'computed' || value.days.length !== 1)
        throw new Error(`unexpected ${JSON.stringify(value)}`);
      time[size].push(ms);
      reads[size].push(capacity.reset().read);
    }
  }
  const note = `${sizes.dayRecords} records on the measured day; ${sizes.historyDays} vs ${sizes.historyDays * 10} days of history, ${sizes.historyDayRecords} records a day`;
  const goal = atMost(1.2);
  return [
    {
      figure: 'aggregation scale: time 10× history / 1×',
      unit: '×',
      value: summarise(ratios(time.large, time.small)),
      goal,
      note,
    },
    {
      figure: 'aggregation scale: read units 10× / 1×',
      unit: '×',
      value: summarise(ratios(reads.large, reads.small)),
      goal,
    },
    { figure: 'aggregation: one day, 1× history', unit: 'ms', value: summarise(time.small) },
    { figure: 'aggregation: one day, 10× history', unit: 'ms', value: summarise(time.large) },
    { figure: 'aggregation: read units, 1× history', unit: 'RCU', value: summarise(reads.small) },
    { figure: 'aggregation: read units, 10× history', unit: 'RCU', value: summarise(reads.large) },
  ];
}
