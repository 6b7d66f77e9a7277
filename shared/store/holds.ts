import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { captureDeadline, readable } from '#policy/index';
import { isConditionFailure } from './conditions.ts';
import { dueKey, holdKey, holdsPartition } from './keys.ts';
import type { Hold, HoldStore } from './ports.ts';

const CATEGORY = 'legal-hold';

/**
 * Legal holds on the records table, one item each beside (not among) the tenant's data. A released
 * hold is filed in the due index under its own deadline, counted from the release, so the sweep
 * removes it on time; a standing hold has no deadline.
 */
export class DynamoHoldStore implements HoldStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async place(hold: Hold): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...holdKey(hold.tenantId, hold.holdId), ...hold, kind: 'item' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async release(tenantId: string, holdId: string, at: Date, by: string): Promise<Hold | undefined> {
    const key = holdKey(tenantId, holdId);
    const deadline = captureDeadline(CATEGORY, at);
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET releasedAt = :at, releasedBy = :by, category = :category, occurredAt = :at' +
            (deadline ? ', deadline = :deadline, duePk = :duePk, dueSk = :dueSk' : ''),
          // The first release stands: releasing again changes nothing.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(releasedAt)',
          ExpressionAttributeValues: {
            ':at': at.toISOString(),
            ':by': by,
            ':category': CATEGORY,
            ...(deadline
              ? {
                  ':deadline': deadline.toISOString(),
                  ':duePk': dueKey(deadline, key).duePk,
                  ':dueSk': dueKey(deadline, key).dueSk,
                }
              : {}),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return holdOf(out.Attributes ?? {});
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.db.send(
        new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
      );
      return Item ? holdOf(Item) : undefined;
    }
  }

  async list(tenantId: string, now: Date): Promise<Hold[]> {
    const holds: Hold[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': holdsPartition(tenantId) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) holds.push(...readable(page.Items ?? [], now).map(holdOf));
    return holds;
  }
}

function holdOf(item: Record<string, unknown>): Hold {
  return {
    tenantId: String(item.tenantId),
    holdId: String(item.holdId),
    categories: (item.categories as string[]) ?? [],
    reason: String(item.reason),
    placedBy: String(item.placedBy),
    placedAt: String(item.placedAt),
    ...(typeof item.releasedAt === 'string' ? { releasedAt: item.releasedAt } : {}),
    ...(typeof item.releasedBy === 'string' ? { releasedBy: item.releasedBy } : {}),
  };
}
