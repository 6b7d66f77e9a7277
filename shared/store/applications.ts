import { type DynamoDBDocumentClient, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditions.ts';
import { applicationKey, applicationPartitions } from './keys.ts';
import type { Application, ApplicationChange, ApplicationStore } from './ports.ts';

/**
 * A tenant's applications, one item each: created, or reduced to a deletion marker. Every change is
 * guarded by its event's own `<time>#<id>`, so applying it twice, or in any order, ends the same: the
 * earliest creation and the latest deletion win, and a deletion is never undone by a creation.
 */
export class DynamoApplicationStore implements ApplicationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async apply(change: ApplicationChange): Promise<void> {
    if (change.kind === 'deleted') {
      await this.#update(change, {
        UpdateExpression:
          'SET appId = :app, category = :marker, deletedAt = :at, deletedKey = :order, occurredAt = :at, tenantId = :tenant REMOVE appType',
        ConditionExpression: 'attribute_not_exists(deletedKey) OR deletedKey < :order',
        ExpressionAttributeValues: { ':marker': 'directory-deletion-marker' },
      });
      return;
    }
    // A live application: the earliest creation event is the one that counts.
    const applied = await this.#update(change, {
      UpdateExpression:
        'SET appId = :app, appType = :type, category = :category, createdAt = :at, createdKey = :order, occurredAt = :at, tenantId = :tenant',
      ConditionExpression:
        'attribute_not_exists(deletedKey) AND (attribute_not_exists(createdKey) OR createdKey > :order)',
      ExpressionAttributeValues: { ':type': change.appType, ':category': 'application-data' },
    });
    if (applied) return;
    // Deleted already (a creation that arrived late): the marker learns when the application began,
    // so the statistics of the days it existed stay exact; nothing else of it is kept.
    await this.#update(change, {
      UpdateExpression: 'SET createdAt = :at, createdKey = :order',
      ConditionExpression:
        'attribute_exists(deletedKey) AND deletedKey > :order AND (attribute_not_exists(createdKey) OR createdKey > :order)',
    });
  }

  async list(tenantId: string): Promise<Application[]> {
    const applications: Application[] = [];
    for (const pk of applicationPartitions(tenantId)) {
      const pages = paginateQuery(
        { client: this.db },
        {
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          applications.push({
            appId: String(item.appId),
            ...(typeof item.createdAt === 'string' ? { createdAt: item.createdAt } : {}),
            ...(typeof item.deletedAt === 'string' ? { deletedAt: item.deletedAt } : {}),
          });
        }
      }
    }
    return applications;
  }

  async #update(
    change: ApplicationChange,
    expression: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      ':app': change.appId,
      ':at': change.at.toISOString(),
      ':order': change.order,
      ':tenant': change.tenantId,
      ...expression.ExpressionAttributeValues,
    };
    // DynamoDB refuses values an expression does not use.
    const used = `${expression.UpdateExpression} ${expression.ConditionExpression}`;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: applicationKey(change.tenantId, change.appId),
          UpdateExpression: expression.UpdateExpression,
          ConditionExpression: expression.ConditionExpression,
          ExpressionAttributeValues: Object.fromEntries(
            Object.entries(values).filter(([name]) => new RegExp(`${name}\\b`).test(used)),
          ),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
