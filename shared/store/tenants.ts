import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ModuleId } from '#policy/index';
import { secretsEqual } from '../auth/api-keys.ts';

/** A customer of the platform, and the modules (features) it uses. */
export interface Tenant {
  id: string;
  name: string;
  modules: ModuleId[];
  maxUsers: number;
  /** ISO 3166-1 alpha-2 region the tenant's data belongs to. */
  region: string;
  openedAt: string;
  createdAt: string;
  /** `terminating` from the first moment any termination of all its modules was requested. */
  status: 'active' | 'terminating' | 'terminated';
  /** Modules whose termination was requested, with the moment it was. */
  terminations: Partial<Record<ModuleId, string>>;
}

export interface ApiKeyRecord {
  keyId: string;
  keyHash: string;
  createdAt: string;
}

/** Storage of tenants and their API key hashes. */
export interface TenantStore {
  create(tenant: Tenant, key: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<Tenant | undefined>;
  findByKeyHash(keyHash: string): Promise<Tenant | undefined>;
  addKey(tenantId: string, key: ApiKeyRecord): Promise<void>;
  /** Removes a key; false when the tenant has no such key. */
  revokeKey(tenantId: string, keyId: string): Promise<boolean>;
  /** Every tenant id ever created (the registry the daily jobs fan out from), page by page. */
  tenantIds(): AsyncIterable<string[]>;
}

/** The tenant or key does not exist (or no longer does). */
export class TenantNotFoundError extends Error {
  override name = 'TenantNotFoundError';
}

const tenantKey = (id: string) => ({ pk: `TENANT#${id}`, sk: 'PROFILE' });
const keyByHash = (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' });
const keyOfTenant = (tenantId: string, keyId: string) => ({ pk: `TENANT#${tenantId}`, sk: `KEY#${keyId}` });
// One small item per tenant in one partition: written once at creation, read by the daily fan-out.
const REGISTRY = 'TENANTS';

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
          { Put: { TableName: this.table, Item: { pk: REGISTRY, sk: tenant.id, type: 'tenantRegistry' } } },
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
        ExpressionAttributeValues: { ':pk': REGISTRY },
      },
    );
    for await (const page of pages) yield (page.Items ?? []).map((item) => String(item.sk));
  }

  async get(id: string): Promise<Tenant | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: tenantKey(id), ConsistentRead: true }),
    );
    return Item ? toTenant(Item) : undefined;
  }

  async findByKeyHash(keyHash: string): Promise<Tenant | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keyByHash(keyHash), ConsistentRead: true }),
    );
    if (!Item || !secretsEqual(String(Item.keyHash), keyHash)) return undefined;
    return this.get(String(Item.tenantId));
  }

  async addKey(tenantId: string, key: ApiKeyRecord): Promise<void> {
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
    } catch (error) {
      if ((error as Error).name === 'TransactionCanceledException')
        throw new TenantNotFoundError(tenantId, { cause: error });
      throw error;
    }
  }

  async revokeKey(tenantId: string, keyId: string): Promise<boolean> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: keyOfTenant(tenantId, keyId), ConsistentRead: true }),
    );
    if (!Item) return false;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: keyOfTenant(tenantId, keyId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            { Delete: { TableName: this.table, Key: keyByHash(String(Item.keyHash)) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'TransactionCanceledException'
      ) {
        return false;
      }
      throw error;
    }
  }

  #keyPuts(tenantId: string, key: ApiKeyRecord) {
    const condition = 'attribute_not_exists(pk)';
    return [
      {
        Put: {
          TableName: this.table,
          Item: { ...keyByHash(key.keyHash), type: 'apiKey', tenantId, ...key },
          ConditionExpression: condition,
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: { ...keyOfTenant(tenantId, key.keyId), type: 'apiKeyOfTenant', ...key },
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
