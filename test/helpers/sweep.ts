import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { categoryOf, type ModuleId } from '#policy/index';
import { pool } from '#shared/pool';
import { DynamoApplicationStore } from '#store/applications';
import { DynamoDueIndex } from '#store/due-index';
import { DynamoHoldStore } from '#store/holds';
import { S3ObjectStore } from '#store/objects';
import type { Tenant } from '#store/ports';
import { DynamoRecordStore } from '#store/records';
import { DynamoSweepLog } from '#store/sweeps';
import { captureRecords } from '../../functions/captureEvents/capture.ts';
import { type SweepDeps, type SweepLimits, sweepExpired } from '../../functions/sweepExpired/sweep.ts';
import type { IsolatedCloud } from './isolated-cloud.ts';
import { FIELDS } from './records.ts';

export type StoredItem = { pk: string; sk: string; [attribute: string]: unknown };

/** A document client on a test file's cloud, dropping undefined attributes as the functions do. */
export function documentClient(cloud: IsolatedCloud) {
  return DynamoDBDocumentClient.from(cloud.clients.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The sweep's stores on a test file's cloud. */
export function sweepStores(cloud: IsolatedCloud, s3 = cloud.clients.s3, dynamodb = cloud.clients.dynamodb) {
  const db = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  return {
    index: new DynamoDueIndex(db, cloud.tables.RecordsTable as string),
    objects: new S3ObjectStore(s3, cloud.buckets.DataBucket as string),
    log: new DynamoSweepLog(db, cloud.tables.TenantsTable as string),
    holds: new DynamoHoldStore(db, cloud.tables.RecordsTable as string),
  };
}

export const testLimits: SweepLimits = {
  maxItems: 100_000,
  pageSize: 100,
  backlogCap: 100_000,
  reserveMs: 0,
};

/** Runs one sweep whose clock reads `now` (the sweep's own clock, skewed or not). */
export function runSweep(
  stores: ReturnType<typeof sweepStores>,
  now: Date,
  overrides: Partial<Omit<SweepDeps, 'limits'>> & { limits?: Partial<SweepLimits> } = {},
) {
  const { limits, ...rest } = overrides;
  return sweepExpired({
    ...stores,
    now: () => now,
    remainingMs: () => 600_000,
    runId: randomUUID(),
    ...rest,
    limits: { ...testLimits, ...limits },
  });
}

/**
 * Stores records as capture would have stored them at their own time: the capture use case itself,
 * its clock set to each record's time, for a tenant that uses every module since the epoch. How a
 * history of many simulated days is laid down quickly. `idPrefix` makes the record ids (and so
 * every key) the same in two tables; without it, ids are unique per call. `batch` stores records in
 * requests of up to that many (the clock at the latest record of each; give records in time order).
 */
export async function storeHistory(
  cloud: IsolatedCloud,
  tenantId: string,
  records: ReadonlyArray<{ type: string; occurredAt: Date; fields?: Record<string, unknown> }>,
  { concurrency = 8, idPrefix, batch = 1 }: { concurrency?: number; idPrefix?: string; batch?: number } = {},
): Promise<void> {
  const prefix = idPrefix ?? `h-${randomUUID().slice(0, 8)}`;
  const db = documentClient(cloud);
  const table = cloud.tables.RecordsTable as string;
  const deps = {
    records: new DynamoRecordStore(db, table),
    applications: new DynamoApplicationStore(db, table),
    qTokenHashKey: async () => 'history-hash-key',
  };
  const tenant: Tenant = {
    id: tenantId,
    name: 'history',
    modules: ['ciam', 'container-security'],
    maxUsers: 1_000_000,
    region: 'DE',
    openedAt: new Date(0).toISOString(),
    createdAt: new Date(0).toISOString(),
    status: 'active',
    terminations: {},
    hostingServices: ['cvm'],
  };
  const toRecord = (i: number) => {
    const { type, occurredAt, fields } = records[i] as (typeof records)[number];
    const category = categoryOf(type);
    return {
      id: `${prefix}-${i}`,
      type: type as never,
      category: category.id,
      module: category.module as ModuleId,
      occurredAt,
      fields: { ...(FIELDS as Record<string, Record<string, unknown>>)[type], ...fields },
    };
  };
  await pool(Math.ceil(records.length / batch), concurrency, async (b) => {
    const chunk = Array.from({ length: Math.min(batch, records.length - b * batch) }, (_, i) =>
      toRecord(b * batch + i),
    );
    const latest = chunk.reduce((t, r) => (r.occurredAt > t ? r.occurredAt : t), new Date(0));
    await captureRecords({ tenant, records: chunk }, { ...deps, now: () => latest });
  });
}

/** Every item of the records table (a test-only full read), unmarshalled. */
export async function recordsListing(cloud: IsolatedCloud): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  for await (const page of paginateScan(
    { client: documentClient(cloud) },
    { TableName: cloud.tables.RecordsTable as string, ConsistentRead: true },
  )) {
    items.push(...((page.Items ?? []) as StoredItem[]));
  }
  return items;
}
