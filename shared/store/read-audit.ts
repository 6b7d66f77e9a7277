import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { captureDeadline } from '#policy/index';
import { dueKey, logReadKey, logReadsPartition } from './keys.ts';
import type { LogRead, LogReadAudit } from './ports.ts';

const CATEGORY = 'log-read';

/**
 * Audit records of log reads on the records table: one item per read in the tenant's READS
 * partition, sorted by the time of the read, each its own due-index entry under the deadline the
 * policy gives it (the sweep deletes it where it is).
 */
export class DynamoReadAudit implements LogReadAudit {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async record(read: LogRead): Promise<void> {
    const deadline = captureDeadline(CATEGORY, new Date(read.readAt));
    if (!deadline) throw new Error('the policy keeps log-read records for a fixed time');
    const key = logReadKey(read.tenantId, read.readAt, read.readId);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...key,
          ...read,
          kind: 'item',
          category: CATEGORY,
          occurredAt: read.readAt,
          ...dueKey(deadline, key),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async newestFirst(
    tenantId: string,
    limit: number,
    before?: string,
  ): Promise<{ reads: LogRead[]; next?: string }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: before ? 'pk = :pk AND sk < :before' : 'pk = :pk',
        ExpressionAttributeValues: {
          ':pk': logReadsPartition(tenantId),
          ...(before ? { ':before': before } : {}),
        },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    const reads = (out.Items ?? []).map((item) => {
      const {
        pk: _pk,
        sk: _sk,
        kind: _k,
        category: _c,
        occurredAt: _o,
        duePk: _dp,
        dueSk: _ds,
        ...read
      } = item;
      return read as unknown as LogRead;
    });
    const last = out.LastEvaluatedKey?.sk;
    return { reads, ...(typeof last === 'string' ? { next: last } : {}) };
  }
}
