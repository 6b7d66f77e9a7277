import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { pool } from '#shared/pool';
import { getItems } from './batch.ts';
import { isConditionFailure } from './conditions.ts';
import { dayBucketKey, dayIndexKey, dayMarkerKey, dueKey, recordKey } from './keys.ts';
import type { CapturedRecord, DayBucket, RecordStore, StoreOutcome } from './ports.ts';

/** Records of one request stored at once: enough to overlap round trips, few enough not to throttle. */
const STORE_CONCURRENCY = 16;

/**
 * RecordStore on the records table. A record is keyed by its id alone, so one conditional write
 * decides "stored once" on any day and for any type; its `byDay` index attributes let the
 * statistics, the log reads and the sweep find a tenant-day. Two write units per record: the item
 * and its index entry. The registry items a record needs (its day, and for fixed rules its day's
 * due bucket) are written once per container, tenant, day and category, read before they are written.
 */
export class DynamoRecordStore implements RecordStore {
  readonly #registered = new Map<string, Promise<void>>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async fingerprints(tenantId: string, ids: readonly string[]): Promise<Map<string, string>> {
    const keys = [...new Set(ids)].map((id) => recordKey(tenantId, id));
    const items = await getItems(this.db, this.table, keys, { projection: 'id, fingerprint' });
    return new Map(items.map((item) => [String(item.id), String(item.fingerprint)]));
  }

  async storeAll(records: readonly CapturedRecord[], buckets: readonly DayBucket[]): Promise<StoreOutcome[]> {
    // The registry first: a record is never stored without the entries that find it again.
    await Promise.all(buckets.map((bucket) => this.#register(bucket)));
    const outcomes: StoreOutcome[] = new Array(records.length);
    await pool(records.length, STORE_CONCURRENCY, async (i) => {
      outcomes[i] = await this.#store(records[i] as CapturedRecord);
    });
    return outcomes;
  }

  async #store(record: CapturedRecord): Promise<StoreOutcome> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: toItem(record),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { stored: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = (error as { Item?: Record<string, { S?: string }> }).Item?.fingerprint?.S;
      return { stored: false, fingerprint: existing ?? (await this.#fingerprintOf(record)) };
    }
  }

  async #fingerprintOf(record: CapturedRecord): Promise<string> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: recordKey(record.tenantId, record.id),
        ProjectionExpression: 'fingerprint',
        ConsistentRead: true,
      }),
    );
    return String(Item?.fingerprint ?? '');
  }

  // The write itself is what is cached, so concurrent records share one write; a failed write is
  // forgotten at once, so the next record tries again. Read first: most containers find the item
  // an earlier one wrote, and a read unit is cheaper than a write unit.
  #register(bucket: DayBucket): Promise<void> {
    if (bucket.rearm && bucket.category && bucket.due)
      return this.#rearm(bucket, bucket.category, bucket.due);
    const memo = `${bucket.tenantId}#${bucket.day}#${bucket.category ?? ''}`;
    const known = this.#registered.get(memo);
    if (known) return known;
    const key = bucket.category
      ? dayBucketKey(bucket.tenantId, bucket.category, bucket.day)
      : dayMarkerKey(bucket.tenantId, bucket.day);
    const write = this.db
      .send(new GetCommand({ TableName: this.table, Key: key, ProjectionExpression: 'pk' }))
      .then(async ({ Item }) => {
        if (Item) return;
        await this.db.send(new PutCommand({ TableName: this.table, Item: bucketItem(bucket, key) }));
      });
    this.#registered.set(memo, write);
    write.catch(() => this.#registered.delete(memo));
    return write;
  }

  /** Files an existing bucket under an earlier due date (creating it if it is gone). */
  async #rearm(bucket: DayBucket, category: string, due: Date): Promise<void> {
    const key = dayBucketKey(bucket.tenantId, category, bucket.day);
    const item = bucketItem(bucket, key);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(dueSk) OR dueSk > :due',
          ExpressionAttributeValues: { ':due': dueKey(due, key).dueSk },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

/** The registry item of a day (a day marker) or of a day's bucket of one category. */
export function bucketItem(bucket: DayBucket, key: { pk: string; sk: string }): Record<string, unknown> {
  const common = { ...key, tenantId: bucket.tenantId, day: bucket.day };
  if (!bucket.category) return common;
  return {
    ...common,
    // An index entry, not a record: it names the category of the records it files (no `category`
    // of its own, so no read or sweep mistakes it for a record with a deadline).
    kind: 'day-bucket',
    bucketCategory: bucket.category,
    module: bucket.module,
    policyVersion: bucket.policyVersion,
    ...(bucket.terminatedAt ? { terminatedAt: bucket.terminatedAt.toISOString() } : {}),
    ...(bucket.due ? dueKey(bucket.due, key) : {}),
  };
}

function toItem(record: CapturedRecord): Record<string, unknown> {
  const key = recordKey(record.tenantId, record.id);
  const common = {
    ...key,
    tenantId: record.tenantId,
    id: record.id,
    type: record.type,
    module: record.module,
    occurredAt: record.occurredAt.toISOString(),
    capturedAt: record.capturedAt.toISOString(),
    policyVersion: record.policyVersion,
    fingerprint: record.fingerprint,
  };
  if (record.keyOnly) return { ...common, category: 'idempotency-key' };
  return {
    ...common,
    category: record.category,
    data: record.fields,
    ...dayIndexKey(record.tenantId, record.occurredAt, record.category, record.id),
  };
}
