import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { deleteKeys } from './batch.ts';
import { isConditionFailure } from './conditions.ts';
import { DAY_INDEX, DUE_INDEX } from './indexes.ts';
import {
  applicationPartitions,
  dayIndexPartitions,
  daySkRange,
  dueBound,
  dueDeadline,
  dueKey,
  type ItemKey,
} from './keys.ts';

/** An entry of the due-date index, with the attributes the index projects (see serverless.yml). */
export interface DueEntry {
  pk: string;
  sk: string;
  duePk: string;
  dueSk: string;
  /** `day-bucket` (one day's records of a category) or `object` (an S3 archive or receipt). */
  kind?: string;
  tenantId?: string;
  category?: string;
  bucketCategory?: string;
  day?: string;
  occurredAt?: string;
  terminatedAt?: string;
  records?: number;
}

/** What reading the index cost, as DynamoDB reports it. */
export interface ReadCost {
  readUnits: number;
  scannedCount: number;
}

/** The deadline an entry is filed under. */
export const indexedDeadline = (entry: Pick<DueEntry, 'dueSk'>) => dueDeadline(entry.dueSk);

/**
 * What the sweep reads and removes on the records table: the sparse `byDue` index (day buckets and
 * object entries, oldest first, by key — never scanned), the records a bucket files (a range of the
 * `byDay` index), and applications' deletion markers.
 */
export class DynamoDueIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** One page of a shard's entries filed under a deadline at or before `cutoff`, oldest first. */
  async page(shard: string, cutoff: Date, after?: Record<string, unknown>, limit = 100) {
    const out = await this.#due(shard, cutoff, { Limit: limit, ExclusiveStartKey: after });
    return {
      entries: (out.Items ?? []) as DueEntry[],
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
      cost: costOf(out),
    };
  }

  /** The oldest entry of a shard filed under a deadline at or before `time`, if any. */
  async oldest(shard: string, time: Date): Promise<{ entry?: DueEntry; cost: ReadCost }> {
    const out = await this.#due(shard, time, { Limit: 1 });
    const entry = out.Items?.[0] as DueEntry | undefined;
    return { ...(entry ? { entry } : {}), cost: costOf(out) };
  }

  /** How many entries of a shard are due at `cutoff`, counting no further than `cap`. */
  async count(shard: string, cutoff: Date, cap: number): Promise<{ count: number; cost: ReadCost }> {
    let count = 0;
    const cost = { readUnits: 0, scannedCount: 0 };
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.#due(shard, cutoff, {
        Select: 'COUNT',
        ExclusiveStartKey: after,
        Limit: cap - count,
      });
      count += out.Count ?? 0;
      add(cost, costOf(out));
      after = out.LastEvaluatedKey;
    } while (after && count < cap);
    return { count, cost };
  }

  /**
   * One page of a day bucket's records with times at or before `upTo` (they are due), from one
   * shard of the tenant-day: a key range of `byDay`, so only due records are read.
   */
  async dueRecords(
    bucket: Bucket,
    shard: number,
    upTo: Date,
    limit: number,
    after?: Record<string, unknown>,
  ) {
    const range = daySkRange(bucket.category, '', upTo.toISOString());
    const out = await this.#day(
      bucket,
      shard,
      'BETWEEN :from AND :to',
      { ':from': range.from, ':to': range.to },
      {
        Limit: limit,
        ExclusiveStartKey: after,
        ProjectionExpression: 'pk, sk',
      },
    );
    return {
      records: (out.Items ?? []).map((i) => ({ pk: String(i.pk), sk: String(i.sk) })),
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
      cost: costOf(out),
    };
  }

  /** How many of a bucket's records in one shard have times at or before `upTo` (they are due). */
  async countDueRecords(
    bucket: Bucket,
    shard: number,
    upTo: Date,
  ): Promise<{ count: number; cost: ReadCost }> {
    const range = daySkRange(bucket.category, '', upTo.toISOString());
    let count = 0;
    const cost = { readUnits: 0, scannedCount: 0 };
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.#day(
        bucket,
        shard,
        'BETWEEN :from AND :to',
        { ':from': range.from, ':to': range.to },
        {
          Select: 'COUNT',
          ExclusiveStartKey: after,
        },
      );
      count += out.Count ?? 0;
      add(cost, costOf(out));
      after = out.LastEvaluatedKey;
    } while (after);
    return { count, cost };
  }

  /** The earliest time of a bucket's records after `after` in one shard, if any is left. */
  async nextRecordTime(bucket: Bucket, shard: number, after: Date): Promise<{ time?: Date; cost: ReadCost }> {
    const range = daySkRange(bucket.category, '', after.toISOString());
    const upper = daySkRange(bucket.category, '', '~');
    const out = await this.#day(
      bucket,
      shard,
      'BETWEEN :from AND :to',
      { ':from': range.to, ':to': upper.to },
      {
        Limit: 1,
        ProjectionExpression: 'occurredAt',
      },
    );
    const at = out.Items?.[0]?.occurredAt;
    return { ...(typeof at === 'string' ? { time: new Date(at) } : {}), cost: costOf(out) };
  }

  /** Every deletion marker of a tenant's applications (applications are few: one small query per shard). */
  async markers(tenantId: string): Promise<{ markers: ApplicationMarker[]; cost: ReadCost }> {
    const cost = { readUnits: 0, scannedCount: 0 };
    const markers: ApplicationMarker[] = [];
    for (const pk of applicationPartitions(tenantId)) {
      let after: Record<string, unknown> | undefined;
      do {
        const out = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': pk },
            ProjectionExpression: 'pk, sk, deletedAt, deletedKey',
            ConsistentRead: true,
            ReturnConsumedCapacity: 'TOTAL',
            ...(after ? { ExclusiveStartKey: after } : {}),
          }),
        );
        add(cost, costOf(out));
        for (const item of out.Items ?? [])
          if (typeof item.deletedAt === 'string')
            markers.push({
              pk: String(item.pk),
              sk: String(item.sk),
              deletedAt: new Date(item.deletedAt),
              deletedKey: String(item.deletedKey),
            });
        after = out.LastEvaluatedKey;
      } while (after);
    }
    return { markers, cost };
  }

  /** Deletes items that never change once written (captured records, object entries, buckets). */
  async deleteAll(keys: readonly ItemKey[]): Promise<void> {
    await deleteKeys(this.db, this.table, keys);
  }

  /** Deletes an application's marker only if no later deletion renewed it meanwhile. */
  async deleteMarker(marker: ApplicationMarker): Promise<boolean> {
    return this.#conditional(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: marker.pk, sk: marker.sk },
        ConditionExpression: 'deletedKey = :seen',
        ExpressionAttributeValues: { ':seen': marker.deletedKey },
      }),
    );
  }

  /** Files an entry under a new deadline (or none), if it is still filed as seen. */
  async refile(entry: DueEntry, deadline: Date | null): Promise<boolean> {
    const common = {
      TableName: this.table,
      Key: { pk: entry.pk, sk: entry.sk },
      ConditionExpression: 'dueSk = :seen',
    };
    const filed = deadline ? dueKey(deadline, entry) : undefined;
    return this.#conditional(
      filed && deadline
        ? new UpdateCommand({
            ...common,
            UpdateExpression: 'SET deadline = :deadline, duePk = :duePk, dueSk = :dueSk',
            ExpressionAttributeValues: {
              ':seen': entry.dueSk,
              ':deadline': deadline.toISOString(),
              ':duePk': filed.duePk,
              ':dueSk': filed.dueSk,
            },
          })
        : new UpdateCommand({
            ...common,
            UpdateExpression: 'REMOVE deadline, duePk, dueSk',
            ExpressionAttributeValues: { ':seen': entry.dueSk },
          }),
    );
  }

  /** Deletes an entry only if it is still filed as seen (a capture may have filed it earlier meanwhile). */
  async deleteIfUnchanged(entry: DueEntry): Promise<boolean> {
    return this.#conditional(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: entry.pk, sk: entry.sk },
        ConditionExpression: 'dueSk = :seen',
        ExpressionAttributeValues: { ':seen': entry.dueSk },
      }),
    );
  }

  async #conditional(command: DeleteCommand | UpdateCommand): Promise<boolean> {
    try {
      await this.db.send(command as UpdateCommand);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  #due(shard: string, upToTime: Date, extra: Record<string, unknown>): Promise<QueryCommandOutput> {
    return this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: DUE_INDEX,
        KeyConditionExpression: 'duePk = :shard AND dueSk < :bound',
        ExpressionAttributeValues: { ':shard': shard, ':bound': dueBound(upToTime) },
        ReturnConsumedCapacity: 'TOTAL',
        ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
      }),
    );
  }

  #day(
    bucket: Bucket,
    shard: number,
    condition: string,
    values: Record<string, unknown>,
    extra: Record<string, unknown>,
  ): Promise<QueryCommandOutput> {
    const dayPk = dayIndexPartitions(bucket.tenantId, bucket.day)[shard] as string;
    return this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: DAY_INDEX,
        KeyConditionExpression: `dayPk = :pk AND daySk ${condition}`,
        ExpressionAttributeValues: { ':pk': dayPk, ...values },
        ReturnConsumedCapacity: 'TOTAL',
        ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
      }),
    );
  }
}

/** An application's deletion marker: when it was deleted, and the event that did (its guard). */
export interface ApplicationMarker extends ItemKey {
  deletedAt: Date;
  deletedKey: string;
}

/** A day bucket as the sweep reads it: whose records, of which day and category. */
export interface Bucket {
  tenantId: string;
  day: string;
  category: string;
}

/** The number of shards a bucket's records are spread over. */
export { RECORD_SHARDS as DAY_SHARDS } from './keys.ts';

function costOf(out: QueryCommandOutput): ReadCost {
  return { readUnits: out.ConsumedCapacity?.CapacityUnits ?? 0, scannedCount: out.ScannedCount ?? 0 };
}

/** Adds one read's cost to a running total. */
export function add(total: ReadCost, cost: ReadCost): void {
  total.readUnits += cost.readUnits;
  total.scannedCount += cost.scannedCount;
}
