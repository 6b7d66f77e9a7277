import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { pool } from '#shared/pool';
import { DynamoApplicationStore } from '#store/applications';
import { recordPartitions } from '#store/keys';
import { DynamoStatsStore } from '#store/stats';
import { DynamoTenantStore } from '#store/tenants';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import { captureSide, event } from './capture.ts';
import type { BenchCloud } from './cloud.ts';
import { atMost, summarise } from './measure.ts';
import type { Figure, Sizes } from './sizes.ts';

const DAY_MS = 86_400_000;
const LOGINS_PER_USER = 10;

/**
 * The write units of a whole day for a realistic mix: every user logs in ten times, one request
 * each (16 at once), then the day's statistics are computed. Capture's writes plus the
 * aggregation's, per event.
 */
export async function wholeDayCost(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const users = Math.max(10, Math.round(sizes.costEvents / 5));
  const perEvent: number[] = [];
  const capturePart: number[] = [];
  const aggregationPart: number[] = [];
  const bytes: number[] = [];
  for (let rep = 0; rep < sizes.reps; rep++) {
    const cloud = await bench.copy();
    const side = captureSide(cloud);
    const day = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
    const dayStart = Date.parse(`${day}T00:00:00Z`);
    const tenants = new DynamoTenantStore(side.db, cloud.tables.TenantsTable as string);
    const tenant = await createTenant(
      {
        name: 'Bench day',
        modules: ['ciam'],
        maxUsers: 100_000,
        region: 'DE',
        openedAt: new Date(dayStart).toISOString(),
      },
      tenants,
      new Date(),
    );
    const handler = side.container();
    const events = users * LOGINS_PER_USER;
    side.capacity.reset();
    await pool(events, 16, async (i) => {
      const login = event('user.login', i % users);
      login.occurredAt = new Date(dayStart + Math.floor((i / events) * (DAY_MS - 1))).toISOString();
      await side.call(handler, tenant.apiKey, login);
    });
    const captured = side.capacity.reset().write;
    const outcome = await aggregateTenantDay(tenant.id, day, {
      tenants,
      stats: new DynamoStatsStore(side.db, cloud.tables.RecordsTable as string),
      applications: new DynamoApplicationStore(side.db, cloud.tables.RecordsTable as string),
      remainingMs: () => 600_000,
      now: () => new Date(),
    });
    if (outcome.status !== 'computed') throw new Error(`aggregation answered ${outcome.status}`);
    const aggregated = side.capacity.reset().write;
    perEvent.push((captured + aggregated) / events);
    capturePart.push(captured / events);
    aggregationPart.push(aggregated / users);
    // What a stored login weighs, by DynamoDB's item-size rules, read back from its partitions.
    const sizes_: number[] = [];
    for (const pk of recordPartitions(tenant.id))
      for await (const page of paginateQuery(
        { client: side.db },
        {
          TableName: cloud.tables.RecordsTable as string,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        },
      ))
        for (const item of page.Items ?? []) sizes_.push(itemBytes(item));
    bytes.push(sizes_.reduce((a, b) => a + b, 0) / Math.max(1, sizes_.length));
  }
  return [
    {
      figure: 'whole day: capture + aggregation writes per event',
      unit: 'WCU/event',
      value: summarise(perEvent),
      goal: atMost(2.1),
      note: `${users} users logging in ${LOGINS_PER_USER} times a day (one request each, 16 at once), then the day's statistics computed`,
    },
    { figure: 'whole day: capture writes per event', unit: 'WCU/event', value: summarise(capturePart) },
    {
      figure: 'whole day: aggregation writes per active user',
      unit: 'WCU/user',
      value: summarise(aggregationPart),
    },
    {
      figure: 'stored login: item size',
      unit: 'bytes',
      value: summarise(bytes),
      note: 'mean size of the stored login items by DynamoDB item-size rules (attribute names and values, numbers by digits); its byDay index copy adds the same plus 100 bytes',
    },
  ];
}

/** The size DynamoDB bills an item at: attribute names plus values (strings as UTF-8, numbers by digits). */
export function itemBytes(item: Record<string, unknown>): number {
  const value = (v: unknown): number => {
    if (typeof v === 'string') return Buffer.byteLength(v);
    if (typeof v === 'number') return Math.ceil(String(v).replace(/[-.]/g, '').length / 2) + 1;
    if (typeof v === 'boolean' || v === null) return 1;
    if (Array.isArray(v)) return 3 + v.reduce((sum: number, x) => sum + 1 + value(x), 0);
    if (typeof v === 'object' && v)
      return 3 + itemBytes(v as Record<string, unknown>) + Object.keys(v).length;
    return 0;
  };
  return Object.entries(item).reduce((sum, [name, v]) => sum + Buffer.byteLength(name) + value(v), 0);
}
