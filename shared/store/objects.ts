import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { captureDeadline } from '#policy/index';
import { archiveObjectKey, dueKey, objectEntryKey, opsObjectEntryKey } from './keys.ts';
import type { ArchiveGroup, ObjectArchive } from './ports.ts';

/** A key S3 could not delete, with S3's error code. */
export interface ObjectFailure {
  key: string;
  code: string;
}

/**
 * The bucket's archives and receipts. Every object is registered first, under its deletion date, in
 * the tenant's object partition (which the due index files), so the sweep finds every object by
 * date and S3 lifecycle is only the backstop. Keys are deterministic: a retry rewrites the same
 * entry and object with the same content.
 */
export class S3ObjectArchive implements ObjectArchive {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async archive(tenantId: string, group: ArchiveGroup): Promise<void> {
    const key = archiveObjectKey(group.category, tenantId, group.window, group.first, group.variant);
    await this.#register(tenantId, key, group.deleteAt, {
      category: group.category,
      occurredAt: group.latestRecordAt.toISOString(),
      terminatedAt: group.terminatedAt.toISOString(),
      records: group.records.length,
    });
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: group.records.map((r) => JSON.stringify(r)).join('\n'),
        ContentType: 'application/x-ndjson',
        Metadata: { 'delete-at': group.deleteAt.toISOString(), tenant: tenantId },
      }),
    );
  }

  async putReceipt(tenantId: string, key: string, receipt: object, createdAt: Date): Promise<void> {
    const deleteAt = captureDeadline('deletion-receipt', createdAt);
    if (!deleteAt) throw new Error('the policy keeps deletion receipts for a fixed time');
    await this.#register(tenantId, key, deleteAt, {
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

  /** Writes the receipt of a reconciliation, registered among the project's own objects. */
  async putPolicyReceipt(key: string, receipt: object, createdAt: Date): Promise<void> {
    const deleteAt = captureDeadline('reconciliation-receipt', createdAt);
    if (!deleteAt) throw new Error('the policy keeps reconciliation receipts for a fixed time');
    await this.#put(opsObjectEntryKey(key), deleteAt, {
      category: 'reconciliation-receipt',
      occurredAt: createdAt.toISOString(),
    });
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(receipt, null, 2),
        ContentType: 'application/json',
        Metadata: { 'delete-at': deleteAt.toISOString() },
      }),
    );
  }

  /** The records an archive holds (none when it is gone). */
  async archived(key: string): Promise<Record<string, unknown>[] | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const text = (await object.Body?.transformToString()) ?? '';
      return text
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async receipt(key: string): Promise<unknown> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return JSON.parse((await object.Body?.transformToString()) ?? 'null');
  }

  // No TTL on the entry: it is how the sweep finds the object, so only the sweep may remove it.
  #register(tenantId: string, key: string, deleteAt: Date, attributes: object): Promise<void> {
    return this.#put(objectEntryKey(tenantId, key), deleteAt, { ...attributes, tenantId });
  }

  async #put(entry: { pk: string; sk: string }, deleteAt: Date, attributes: object): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...entry,
          ...attributes,
          bucket: this.bucket,
          deadline: deleteAt.toISOString(),
          ...dueKey(deleteAt, entry),
        },
      }),
    );
  }
}

/** Deletes the bucket's objects by key. */
export class S3ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /**
   * Deletes objects, up to 1,000 per request (DeleteObjects' limit); a missing key counts as
   * deleted (S3 answers so), which makes a retry harmless. Returns the keys S3 refused.
   */
  async deleteAll(keys: readonly string[]): Promise<ObjectFailure[]> {
    const failed: ObjectFailure[] = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const out = await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
      for (const error of out.Errors ?? [])
        failed.push({ key: String(error.Key), code: String(error.Code ?? 'Unknown') });
    }
    return failed;
  }
}
