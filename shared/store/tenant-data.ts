import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { captureDeadline } from '#policy/index';
import { deleteKeys, type ItemKey } from './batch-delete.ts';
import { dueKey, objectEntryKey, RECORD_SHARDS } from './record-keys.ts';

export type Item = Record<string, unknown>;
export type { ItemKey };

/** The partitions that hold one tenant's data, besides its day partitions. */
export function tenantPartitions(tenantId: string) {
  const shards = (prefix: string) =>
    Array.from({ length: RECORD_SHARDS }, (_, s) => `T#${tenantId}#${prefix}#${s}`);
  return {
    directory: shards('DIR'),
    userStats: shards('USTAT'),
    stats: `T#${tenantId}#STATS`,
    days: `T#${tenantId}#DAYS`,
  };
}

/** One tenant's data, enumerated and removed by key (never a Scan), and its archives in S3. */
export class TenantDataStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** One page of a partition, resuming after `after` (a key from the previous page). */
  async page(pk: string, after?: ItemKey, limit = 100): Promise<{ items: Item[]; next?: ItemKey }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        Limit: limit,
        ...(after ? { ExclusiveStartKey: after } : {}),
      }),
    );
    return {
      items: out.Items ?? [],
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey as ItemKey } : {}),
    };
  }

  /** Deletes items by key (batched, unprocessed items retried). */
  async deleteAll(keys: readonly ItemKey[]): Promise<void> {
    await deleteKeys(this.db, this.table, keys);
  }

  /**
   * Writes archived records as one object, registered first under its deletion date so the sweep
   * finds it by date (S3 lifecycle is only the backstop). The entry holds what the policy needs to
   * re-check the date: the category, the latest record time of the group and the termination time.
   * Keys are deterministic: a retry overwrites the same entry and object with the same content.
   */
  async archive(
    tenantId: string,
    key: string,
    records: Item[],
    group: { category: string; latestRecordAt: Date; terminatedAt: Date; deleteAt: Date },
  ): Promise<void> {
    await this.#registerObject(tenantId, key, group.deleteAt, {
      category: group.category,
      occurredAt: group.latestRecordAt.toISOString(),
      terminatedAt: group.terminatedAt.toISOString(),
      records: records.length,
    });
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: records.map((r) => JSON.stringify(r)).join('\n'),
        ContentType: 'application/x-ndjson',
        Metadata: { 'delete-at': group.deleteAt.toISOString(), tenant: tenantId },
      }),
    );
  }

  // No TTL on the entry: it is how the sweep finds the object, so only the sweep may remove it.
  async #registerObject(tenantId: string, key: string, deleteAt: Date, attributes: Item): Promise<void> {
    const entry = objectEntryKey(tenantId, key);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...entry,
          ...attributes,
          tenantId,
          bucket: this.bucket,
          deadline: deleteAt.toISOString(),
          ...dueKey(deleteAt, entry.pk, entry.sk),
        },
      }),
    );
  }

  /** Writes an item back as it is now (used to scrub a user from stored statistics). */
  async replace(item: Item): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  /** Reads a receipt object back. */
  async receipt(key: string): Promise<unknown> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse((await object.Body?.transformToString()) ?? 'null');
  }

  /** Writes a receipt object (JSON, no personal data), registered under its deletion date first. */
  async putReceipt(tenantId: string, key: string, receipt: object, createdAt: Date): Promise<void> {
    const deleteAt = captureDeadline('deletion-receipt', createdAt);
    if (!deleteAt) throw new Error('the policy keeps deletion receipts for a fixed time');
    await this.#registerObject(tenantId, key, deleteAt, {
      category: 'deletion-receipt',
      occurredAt: createdAt.toISOString(),
    });
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(receipt, null, 2),
        ContentType: 'application/json',
        Metadata: { 'delete-at': deleteAt.toISOString(), tenant: tenantId },
      }),
    );
  }
}
