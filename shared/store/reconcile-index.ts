import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { deleteKeys, getItems, putItems, writeSlots } from './batch.ts';
import { DAY_INDEX } from './indexes.ts';
import {
  DAY_MARKER_RANGE,
  dayBucketKey,
  dayIndexPartitions,
  daySkRange,
  daysRegistryPartition,
  dueDeadline,
  holdsPartition,
  type ItemKey,
  logReadsPartition,
  OPS_OBJECTS_PARTITION,
  objectsPartition,
  s3PrefixOf,
} from './keys.ts';
import type { DayBucket } from './ports.ts';
import { bucketItem } from './records.ts';

/** A day bucket as the reconciliation reads it. */
export interface StoredBucket extends ItemKey {
  day: string;
  category: string;
  module?: string;
  /** The deadline it is filed under (ISO), if it is filed. */
  due?: string;
  terminatedAt?: string;
  policyVersion?: string;
}

/** A page of a query, the key to continue from (an opaque string), and what it cost. */
export interface Page<T> {
  items: T[];
  next?: string;
  readUnits: number;
}

const encode = (key: Record<string, unknown> | undefined) => (key ? JSON.stringify(key) : undefined);
const decode = (page: string | undefined) =>
  page ? (JSON.parse(page) as Record<string, unknown>) : undefined;
const units = (out: QueryCommandOutput) => out.ConsumedCapacity?.CapacityUnits ?? 0;

/**
 * What the reconciliation reads and writes on the records table, always by key: a tenant's day
 * buckets of one category (a key prefix of its day registry), its day markers, whether a day holds
 * records of a category (one item per day shard at most), and the items of a small partition
 * (objects, holds). Nothing here is a Scan.
 */
export class DynamoReconcileIndex {
  /** Every bucket write of this index shares four BatchWriteItem calls in flight. */
  readonly #slots = writeSlots();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** One page of a tenant's day buckets of `category` (only what deciding their deadline reads). */
  async buckets(tenantId: string, category: string, page?: string, limit = 200): Promise<Page<StoredBucket>> {
    const pk = daysRegistryPartition(tenantId);
    const out = await this.#query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': `${category}#` },
      ProjectionExpression: 'sk, #day, #module, dueSk, terminatedAt, policyVersion',
      ExpressionAttributeNames: { '#day': 'day', '#module': 'module' },
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: decode(page),
    });
    const items = (out.Items ?? []).map((item) => ({
      pk,
      sk: String(item.sk),
      day: String(item.day),
      category,
      ...(typeof item.module === 'string' ? { module: item.module } : {}),
      ...(typeof item.dueSk === 'string' ? { due: dueDeadline(item.dueSk).toISOString() } : {}),
      ...(typeof item.terminatedAt === 'string' ? { terminatedAt: item.terminatedAt } : {}),
      ...(typeof item.policyVersion === 'string' ? { policyVersion: item.policyVersion } : {}),
    }));
    return {
      items,
      ...(out.LastEvaluatedKey ? { next: encode(out.LastEvaluatedKey) } : {}),
      readUnits: units(out),
    };
  }

  /** One page of the days a tenant has records on. */
  async days(tenantId: string, page?: string, limit = 100): Promise<Page<string>> {
    const out = await this.#query({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': daysRegistryPartition(tenantId),
        ':from': DAY_MARKER_RANGE.from,
        ':to': DAY_MARKER_RANGE.to,
      },
      ProjectionExpression: 'sk',
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: decode(page),
    });
    const items = (out.Items ?? []).map((item) => String(item.sk));
    return {
      items,
      ...(out.LastEvaluatedKey ? { next: encode(out.LastEvaluatedKey) } : {}),
      readUnits: units(out),
    };
  }

  /** The days of `days` on which a bucket of `category` exists. */
  async daysWithBucket(tenantId: string, category: string, days: readonly string[]): Promise<Set<string>> {
    const items = await getItems(
      this.db,
      this.table,
      days.map((day) => dayBucketKey(tenantId, category, day)),
      { projection: '#day', names: { '#day': 'day' }, consistent: true },
    );
    return new Set(items.map((item) => String(item.day)));
  }

  /** Whether a tenant has any record of `category` on `day` (at most one key per shard is read). */
  async hasRecords(
    tenantId: string,
    day: string,
    category: string,
  ): Promise<{ found: boolean; readUnits: number }> {
    const range = daySkRange(category, '', '~');
    const outs = await Promise.all(
      dayIndexPartitions(tenantId, day).map((dayPk) =>
        this.#query({
          IndexName: DAY_INDEX,
          KeyConditionExpression: 'dayPk = :pk AND daySk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': dayPk, ':from': range.from, ':to': range.to },
          ProjectionExpression: 'pk',
          Limit: 1,
        }),
      ),
    );
    return {
      found: outs.some((out) => (out.Items ?? []).length > 0),
      readUnits: outs.reduce((sum, out) => sum + units(out), 0),
    };
  }

  /** How many of a tenant-day's records of `category` have times at or before `upTo`. */
  async countUpTo(
    tenantId: string,
    day: string,
    category: string,
    upTo: Date,
  ): Promise<{ count: number; readUnits: number }> {
    const range = daySkRange(category, '', upTo.toISOString());
    let count = 0;
    let readUnits = 0;
    for (const dayPk of dayIndexPartitions(tenantId, day)) {
      let after: Record<string, unknown> | undefined;
      do {
        const out = await this.#query({
          IndexName: DAY_INDEX,
          KeyConditionExpression: 'dayPk = :pk AND daySk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': dayPk, ':from': range.from, ':to': range.to },
          Select: 'COUNT',
          ExclusiveStartKey: after,
        });
        count += out.Count ?? 0;
        readUnits += units(out);
        after = out.LastEvaluatedKey;
      } while (after);
    }
    return { count, readUnits };
  }

  /**
   * Writes buckets whole (filed under their due date, or unfiled), then removes others. Calls
   * running at once share the index's four BatchWriteItem calls in flight, in the order they came.
   */
  async writeBuckets(puts: readonly DayBucket[], removals: readonly ItemKey[]): Promise<void> {
    await putItems(
      this.db,
      this.table,
      puts.map((bucket) =>
        bucketItem(bucket, dayBucketKey(bucket.tenantId, String(bucket.category), bucket.day)),
      ),
      this.#slots,
    );
    await deleteKeys(this.db, this.table, removals, this.#slots);
  }

  /**
   * One page of the filed entries of `category` where `where` registers them: a tenant's S3 objects
   * (archives of a category, or its receipts), its legal holds, or the project's own objects.
   */
  async entries(
    where: { kind: 'objects' | 'holds' | 'log-reads'; tenantId: string } | { kind: 'ops' },
    category: string,
    page?: string,
    limit = 100,
  ): Promise<Page<Record<string, unknown>>> {
    const pk =
      where.kind === 'ops'
        ? OPS_OBJECTS_PARTITION
        : where.kind === 'holds'
          ? holdsPartition(where.tenantId)
          : where.kind === 'log-reads'
            ? logReadsPartition(where.tenantId)
            : objectsPartition(where.tenantId);
    const prefix = where.kind === 'holds' || where.kind === 'log-reads' ? '' : s3PrefixOf(category);
    const out = await this.#query({
      KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: decode(page),
    });
    const items = (out.Items ?? []).filter(
      (item) => item.category === category && typeof item.dueSk === 'string',
    );
    return {
      items,
      ...(out.LastEvaluatedKey ? { next: encode(out.LastEvaluatedKey) } : {}),
      readUnits: units(out),
    };
  }

  #query(input: Record<string, unknown>): Promise<QueryCommandOutput> {
    const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    return this.db.send(
      new QueryCommand({ TableName: this.table, ReturnConsumedCapacity: 'TOTAL', ...defined } as never),
    );
  }
}
