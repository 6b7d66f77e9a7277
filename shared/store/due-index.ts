import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ttlEpochSeconds } from '#policy/index';
import { deleteKeys, type ItemKey } from './batch-delete.ts';
import { isConditionFailure } from './conditions.ts';
import { dueKey } from './record-keys.ts';

/** An item of the due-date index, with the attributes the index projects (see serverless.yml). */
export interface DueEntry {
  pk: string;
  sk: string;
  duePk: string;
  dueSk: string;
  tenantId?: string;
  category?: string;
  occurredAt?: string;
  terminatedAt?: string;
  records?: number;
}

/** What reading the index cost, as DynamoDB reports it. */
export interface ReadCost {
  readUnits: number;
  scannedCount: number;
}

/** The deadline an entry is filed under (the leading ISO instant of its sort key). */
export const indexedDeadline = (entry: Pick<DueEntry, 'dueSk'>) => new Date(entry.dueSk.slice(0, 24));

// `dueSk` is `<ISO deadline>#<pk>#<sk>`; every key filed under a deadline <= t sorts before `<t>$`.
const upTo = (t: Date) => `${t.toISOString()}$`;

/** The records table's sparse `byDue` index: what is due, oldest first, read by key, never scanned. */
export class DynamoDueIndex {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly index = 'byDue',
  ) {}

  /** One page of a shard's entries filed under a deadline at or before `cutoff`, oldest first. */
  async page(
    shard: string,
    cutoff: Date,
    after?: Record<string, unknown>,
    limit = 100,
  ): Promise<{ entries: DueEntry[]; next?: Record<string, unknown>; cost: ReadCost }> {
    const out = await this.#query(shard, cutoff, { Limit: limit, ExclusiveStartKey: after });
    return {
      entries: (out.Items ?? []) as DueEntry[],
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
      cost: costOf(out),
    };
  }

  /** The oldest entry of a shard filed under a deadline at or before `time`, if any. */
  async oldest(shard: string, time: Date): Promise<{ entry?: DueEntry; cost: ReadCost }> {
    const out = await this.#query(shard, time, { Limit: 1 });
    const entry = out.Items?.[0] as DueEntry | undefined;
    return { ...(entry ? { entry } : {}), cost: costOf(out) };
  }

  /** How many entries of a shard are due at `cutoff`, counting no further than `cap`. */
  async count(shard: string, cutoff: Date, cap: number): Promise<{ count: number; cost: ReadCost }> {
    let count = 0;
    const cost = { readUnits: 0, scannedCount: 0 };
    let after: Record<string, unknown> | undefined;
    do {
      const out = await this.#query(shard, cutoff, {
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

  /** Deletes items that never change once written (captured records, object entries). */
  async deleteAll(keys: readonly ItemKey[]): Promise<void> {
    await deleteKeys(this.db, this.table, keys);
  }

  /** Deletes an item only if it is still filed as seen (a mutable item may have been renewed). */
  async deleteIfUnchanged(entry: DueEntry): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: entry.pk, sk: entry.sk },
          ConditionExpression: 'dueSk = :seen',
          ExpressionAttributeValues: { ':seen': entry.dueSk },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Files an item under a new deadline (or none), as the policy now says, if it is still as seen. */
  async refile(entry: DueEntry, deadline: Date | null): Promise<boolean> {
    const common = {
      TableName: this.table,
      Key: { pk: entry.pk, sk: entry.sk },
      ConditionExpression: 'dueSk = :seen',
    };
    try {
      await this.db.send(
        deadline
          ? new UpdateCommand({
              ...common,
              UpdateExpression: 'SET deadline = :deadline, expiresAt = :ttl, duePk = :duePk, dueSk = :dueSk',
              ExpressionAttributeValues: {
                ':seen': entry.dueSk,
                ':deadline': deadline.toISOString(),
                ':ttl': ttlEpochSeconds(deadline),
                ...Object.fromEntries(
                  Object.entries(dueKey(deadline, entry.pk, entry.sk)).map(([k, v]) => [`:${k}`, v]),
                ),
              },
            })
          : new UpdateCommand({
              ...common,
              UpdateExpression: 'REMOVE deadline, expiresAt, duePk, dueSk',
              ExpressionAttributeValues: { ':seen': entry.dueSk },
            }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  #query(shard: string, upToTime: Date, extra: Record<string, unknown>): Promise<QueryCommandOutput> {
    return this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: this.index,
        KeyConditionExpression: 'duePk = :shard AND dueSk < :bound',
        ExpressionAttributeValues: { ':shard': shard, ':bound': upTo(upToTime) },
        ReturnConsumedCapacity: 'TOTAL',
        ...Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)),
      }),
    );
  }
}

function costOf(out: QueryCommandOutput): ReadCost {
  return { readUnits: out.ConsumedCapacity?.CapacityUnits ?? 0, scannedCount: out.ScannedCount ?? 0 };
}

/** Adds one read's cost to a running total. */
export function add(total: ReadCost, cost: ReadCost): void {
  total.readUnits += cost.readUnits;
  total.scannedCount += cost.scannedCount;
}
