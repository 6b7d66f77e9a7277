import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { dueKey, RECORD_SHARDS } from './record-keys.ts';

export type Item = Record<string, unknown>;
export type ItemKey = { pk: string; sk: string };

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

  /** Deletes items in batches of 25, retrying what DynamoDB left unprocessed, with backoff. */
  async deleteAll(keys: readonly ItemKey[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 25) {
      let requests = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
        requests = (out.UnprocessedItems?.[this.table] ?? []) as typeof requests;
      }
    }
  }

  /**
   * Writes archived records as one object and registers it under its deletion date, so the sweep
   * finds it by date and S3 lifecycle is only the backstop. Keys are deterministic: a retry
   * overwrites the same object with the same content.
   */
  async archive(tenantId: string, key: string, records: Item[], deleteAt: Date): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: records.map((r) => JSON.stringify(r)).join('\n'),
        ContentType: 'application/x-ndjson',
        Metadata: { 'delete-at': deleteAt.toISOString(), tenant: tenantId },
      }),
    );
    // No TTL on this entry: it is how the sweep finds the object, so only the sweep may remove it.
    const entry = { pk: `T#${tenantId}#ARCHIVES`, sk: key };
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...entry,
          tenantId,
          category: 'archive-object',
          bucket: this.bucket,
          records: records.length,
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

  /** Writes a receipt object (JSON, no personal data). */
  async putReceipt(key: string, receipt: object): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(receipt, null, 2),
        ContentType: 'application/json',
      }),
    );
  }
}
