import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ModuleId } from '#policy/index';
import { deleteKeys } from './batch.ts';
import {
  applicationPartitions,
  daysRegistryPartition,
  type ItemKey,
  recordPartitions,
  statsPartition,
  userStatPartitions,
} from './keys.ts';
import type { Item, Partition, TenantData } from './ports.ts';

/** Modules whose derived data (applications, statistics) lives in partitions of their own. */
const DERIVED: Partial<Record<ModuleId, (tenantId: string) => string[]>> = {
  ciam: (tenantId) => [
    ...applicationPartitions(tenantId),
    ...userStatPartitions(tenantId),
    statsPartition(tenantId),
  ],
};

/** One tenant's data on the records table, enumerated and removed by key (never a Scan). */
export class DynamoTenantData implements TenantData {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async partitions(tenantId: string, module: ModuleId): Promise<Partition[]> {
    return [
      ...recordPartitions(tenantId).map((pk) => ({ pk, holds: 'records' as const })),
      ...(DERIVED[module]?.(tenantId) ?? []).map((pk) => ({ pk, holds: 'module' as const })),
      { pk: daysRegistryPartition(tenantId), holds: 'index' as const },
    ];
  }

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

  async deleteAll(keys: readonly ItemKey[]): Promise<void> {
    await deleteKeys(this.db, this.table, keys);
  }

  async replace(item: Item): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: item }));
  }
}
