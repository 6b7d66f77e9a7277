import { Readable } from 'node:stream';
import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { Upload } from '@aws-sdk/lib-storage';
import { captureDeadline } from '#policy/index';
import { isConditionFailure } from './conditions.ts';
import { dueKey, exportJobKey, exportObjectKey, exportsPartition, objectEntryKey } from './keys.ts';
import type { ExportFiles, ExportRef, LogExport, LogExports } from './ports.ts';

const CATEGORY = 'log-export';
/** The size of each uploaded part of an export (S3's minimum is 5 MiB). */
const PART_BYTES = 8 * 1024 * 1024;

function deadlineOf(requestedAt: string): Date {
  const deadline = captureDeadline(CATEGORY, new Date(requestedAt));
  if (!deadline) throw new Error('the policy keeps log exports for a fixed time');
  return deadline;
}

/**
 * Export jobs on the records table, one item each, filed in the due index under the deadline the
 * policy gives the export (its own entry: the sweep deletes it where it is).
 */
export class DynamoLogExports implements LogExports {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(job: LogExport): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: this.#item(job) }));
  }

  async get(tenantId: string, exportId: string): Promise<LogExport | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: exportJobKey(tenantId, exportId), ConsistentRead: true }),
    );
    return Item ? jobOf(Item) : undefined;
  }

  async list(tenantId: string): Promise<LogExport[]> {
    const jobs: LogExport[] = [];
    let next: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': exportsPartition(tenantId) },
          ConsistentRead: true,
          ...(next ? { ExclusiveStartKey: next } : {}),
        }),
      );
      jobs.push(...(out.Items ?? []).map(jobOf));
      next = out.LastEvaluatedKey;
    } while (next);
    return jobs;
  }

  async complete(job: LogExport): Promise<boolean> {
    const { filters: _dropped, ...kept } = job;
    try {
      // Only over the job as it was: a job a termination or erasure removed meanwhile stays removed.
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: this.#item(kept),
          ConditionExpression: 'attribute_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  #item(job: LogExport) {
    const key = exportJobKey(job.tenantId, job.exportId);
    return {
      ...key,
      ...job,
      kind: 'item',
      category: CATEGORY,
      occurredAt: job.requestedAt,
      ...dueKey(deadlineOf(job.requestedAt), key),
    };
  }
}

function jobOf(item: Record<string, unknown>): LogExport {
  const { pk: _pk, sk: _sk, kind: _k, category: _c, occurredAt: _o, duePk: _dp, dueSk: _ds, ...job } = item;
  return job as unknown as LogExport;
}

/** Export files in the data bucket, each registered in the tenant's object partition first. */
export class S3ExportFiles implements ExportFiles {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async write(job: LogExport, key: string, lines: AsyncIterable<string>, contentType: string): Promise<void> {
    const deadline = deadlineOf(job.requestedAt);
    const entry = objectEntryKey(job.tenantId, key);
    // Registered before it is written: the sweep finds every export, even one a crash left half-done.
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...entry,
          tenantId: job.tenantId,
          category: CATEGORY,
          occurredAt: job.requestedAt,
          log: job.log,
          bucket: this.bucket,
          deadline: deadline.toISOString(),
          ...dueKey(deadline, entry),
        },
      }),
    );
    // Streamed as a multipart upload: an export of any size never sits in memory whole, and no
    // single request exceeds what S3 (or the emulator) takes in one part.
    const upload = new Upload({
      client: this.s3,
      partSize: PART_BYTES,
      queueSize: 2,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: Readable.from(lines),
        ContentType: contentType,
        Metadata: { 'delete-at': deadline.toISOString(), tenant: job.tenantId },
      },
    });
    await upload.done();
  }

  async remove(job: ExportRef): Promise<void> {
    // The object, then its entry, then the job: a crash at any point leaves the job to find again.
    const key = job.objectKey ?? exportObjectKey(job.tenantId, job.exportId, job.format);
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: objectEntryKey(job.tenantId, key) }));
    await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: exportJobKey(job.tenantId, job.exportId) }),
    );
  }
}
