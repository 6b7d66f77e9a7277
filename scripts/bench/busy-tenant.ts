import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { pool } from '#shared/pool';
import { utcDay } from '#shared/time';
import { DAY_INDEX } from '#store/indexes';
import { dayIndexPartitions, recordPartitions } from '#store/keys';
import { DynamoTenantStore } from '#store/tenants';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import { captureSide, event } from './capture.ts';
import type { BenchCloud } from './cloud.ts';
import { summarise, timed } from './measure.ts';
import type { Figure, Sizes } from './sizes.ts';

/** Requests of 100 events in flight, from few to many: the rate stops growing where the machine does. */
const CONCURRENCY = [2, 4, 8, 16, 32];

/**
 * One busy tenant capturing as fast as this machine sustains: 100-event requests through the
 * deployed handler at rising concurrency, events per second at each, and how its writes spread over
 * the tenant's shards (table partitions and `byDay` partitions): 1.0 is perfectly even.
 */
export async function busyTenantFigures(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const cloud = await bench.copy();
  const side = captureSide(cloud);
  const tenant = await createTenant(
    { name: 'Busy', modules: ['ciam'], maxUsers: 10_000_000, region: 'DE', openedAt: '2020-01-01T00:00:00Z' },
    new DynamoTenantStore(side.db, cloud.tables.TenantsTable as string),
    new Date(),
  );
  const handler = side.container();
  const rates: { concurrency: number; rate: number }[] = [];
  let user = 0;
  for (const concurrency of CONCURRENCY) {
    const requests = sizes.busyRequests;
    const bodies = Array.from({ length: requests }, () => ({
      events: Array.from({ length: 100 }, (_, i) =>
        event(i % 10 ? 'user.login' : 'user.login_failed', ++user),
      ),
    }));
    const { ms } = await timed(() =>
      pool(requests, concurrency, async (r) => {
        await side.call(handler, tenant.apiKey, bodies[r]);
      }),
    );
    rates.push({ concurrency, rate: (requests * 100) / (ms / 1000) });
  }
  const best = rates.reduce((a, b) => (b.rate > a.rate ? b : a));
  const count = async (pk: string, index?: string) => {
    let n = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await side.db.send(
        new QueryCommand({
          TableName: cloud.tables.RecordsTable as string,
          ...(index ? { IndexName: index } : {}),
          KeyConditionExpression: `${index ? 'dayPk' : 'pk'} = :pk`,
          ExpressionAttributeValues: { ':pk': pk },
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      n += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
    return n;
  };
  const spread = async (pks: string[], index?: string) => {
    const counts: number[] = new Array(pks.length).fill(0);
    await pool(pks.length, 8, async (i) => {
      counts[i] = await count(pks[i] as string, index);
    });
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    return { counts, skew: Math.max(...counts) / mean };
  };
  const table = await spread(recordPartitions(tenant.id));
  const byDay = await spread(dayIndexPartitions(tenant.id, utcDay(new Date())), DAY_INDEX);
  const note = `${sizes.busyRequests} requests of 100 at each concurrency: ${rates.map((r) => `${r.concurrency} → ${Math.round(r.rate)}/s`).join(', ')}`;
  return [
    { figure: 'busy tenant: highest capture rate', unit: 'events/s', value: summarise([best.rate]), note },
    {
      figure: 'busy tenant: in flight at the highest rate',
      unit: 'requests',
      value: summarise([best.concurrency]),
    },
    {
      figure: 'busy tenant: busiest / mean record shard',
      unit: '×',
      value: summarise([table.skew]),
      note: `records per shard: ${table.counts.join(', ')}`,
    },
    {
      figure: 'busy tenant: busiest / mean byDay shard',
      unit: '×',
      value: summarise([byDay.skew]),
      note: `byDay entries per shard today: ${byDay.counts.join(', ')}`,
    },
  ];
}
