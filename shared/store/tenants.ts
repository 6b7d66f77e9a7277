import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { secretsEqual } from '../auth/api-keys.ts';
import { isConditionFailure, isTransactionCancelled } from './conditions.ts';
import { apiKeyByHash, apiKeyOfTenant, TENANT_REGISTRY, tenantKey, tenantRegistryKey } from './keys.ts';
import type { ApiKeyRecord, Tenant, TenantStatus, TenantStore } from './ports.ts';

export type { ApiKeyRecord, Tenant, TenantStore };

/** TenantStore on the tenants table: profile, key-by-hash and key-by-id items, written together. */
export class DynamoTenantStore implements TenantStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(tenant: Tenant, key: ApiKeyRecord): Promise<void> {
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { ...tenantKey(tenant.id), type: 'tenant', ...tenant },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: { TableName: this.table, Item: { ...tenantRegistryKey(tenant.id), type: 'tenantRegistry' } },
          },
          ...this.#keyPuts(tenant.id, key),
        ],
      }),
    );
  }

  async *tenantIds(): AsyncIterable<string[]> {
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': TENANT_REGISTRY },
      },
    );
    for await (const page of pages) yield (page.Items ?? []).map((item) => String(item.sk));
  }

  async tenantIdsAfter(after: string | undefined, limit: number): Promise<string[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: after ? 'pk = :pk AND sk > :after' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': TENANT_REGISTRY, ...(after ? { ':after': after } : {}) },
        ProjectionExpression: 'sk',
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => String(item.sk));
  }

  async countTenants(): Promise<number> {
    let count = 0;
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': TENANT_REGISTRY },
        Select: 'COUNT',
      },
    );
    for await (const page of pages) count += page.Count ?? 0;
    return count;
  }

  async get(id: string): Promise<Tenant | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: tenantKey(id), ConsistentRead: true }),
    );
    return Item ? toTenant(Item) : undefined;
  }

  async findByKeyHash(keyHash: string): Promise<Tenant | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: apiKeyByHash(keyHash), ConsistentRead: true }),
    );
    if (!Item || !secretsEqual(String(Item.keyHash), keyHash)) return undefined;
    return this.get(String(Item.tenantId));
  }

  async addKey(tenantId: string, key: ApiKeyRecord): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.table,
                Key: tenantKey(tenantId),
                ConditionExpression: '#status = :active',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':active': 'active' },
              },
            },
            ...this.#keyPuts(tenantId, key),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isTransactionCancelled(error)) return false;
      throw error;
    }
  }

  async revokeKey(tenantId: string, keyId: string): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: apiKeyOfTenant(tenantId, keyId), ConsistentRead: true }),
    );
    if (!Item) return false;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: apiKeyOfTenant(tenantId, keyId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            { Delete: { TableName: this.table, Key: apiKeyByHash(String(Item.keyHash)) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error) || isTransactionCancelled(error)) return false;
      throw error;
    }
  }

  async setHostingServices(tenantId: string, services: string[]): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: tenantKey(tenantId),
          UpdateExpression: 'SET hostingServices = :services',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':services': services },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async setStatus(tenantId: string, status: TenantStatus): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: tenantKey(tenantId),
        UpdateExpression: 'SET #status = :status',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':status': status },
      }),
    );
  }

  #keyPuts(tenantId: string, key: ApiKeyRecord) {
    const condition = 'attribute_not_exists(pk)';
    return [
      {
        Put: {
          TableName: this.table,
          Item: { ...apiKeyByHash(key.keyHash), type: 'apiKey', tenantId, ...key },
          ConditionExpression: condition,
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...apiKeyOfTenant(tenantId, key.keyId), type: 'apiKeyOfTenant', ...key },
          ConditionExpression: condition,
        },
      },
    ];
  }
}

function toTenant(item: Record<string, unknown>): Tenant {
  const { pk: _pk, sk: _sk, type: _type, ...tenant } = item;
  return tenant as unknown as Tenant;
}
