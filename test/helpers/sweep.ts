import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { captureDeadline, categoryOf, POLICY_VERSION } from '#policy/index';
import { pool } from '#shared/pool';
import { DynamoDueIndex } from '#store/due-index';
import { S3ObjectStore } from '#store/objects';
import { DynamoRecordStore } from '#store/records';
import { DynamoSweepLog } from '#store/sweeps';
import { directoryChangeOf } from '../../functions/captureEvents/directory.ts';
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
 * Stores records as capture would have stored them at their own time (the record store, with the
 * directory change each implies): how a history of many simulated days is laid down quickly.
 * `idPrefix` makes the record ids (and so every key) the same in two tables; without it, ids are
 * unique per call.
 */
export async function storeHistory(
  cloud: IsolatedCloud,
  tenantId: string,
  records: ReadonlyArray<{ type: string; occurredAt: Date; fields?: Record<string, unknown> }>,
  { concurrency = 8, idPrefix }: { concurrency?: number; idPrefix?: string } = {},
): Promise<void> {
  const prefix = idPrefix ?? `h-${randomUUID().slice(0, 8)}`;
  const store = new DynamoRecordStore(documentClient(cloud), cloud.tables.RecordsTable as string);
  await pool(records.length, concurrency, async (i) => {
    const { type, occurredAt, fields } = records[i] as (typeof records)[number];
    const category = categoryOf(type);
    const record = {
      tenantId,
      id: `${prefix}-${i}`,
      type,
      category: category.id,
      module: category.module,
      occurredAt,
      fields: { ...(FIELDS as Record<string, Record<string, unknown>>)[type], ...fields },
      policyVersion: POLICY_VERSION,
      deadline: captureDeadline(category.id, occurredAt),
      capturedAt: occurredAt,
    };
    await store.capture(record, directoryChangeOf(record));
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
