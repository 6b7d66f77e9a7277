import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import { POLICY_VERSION } from '#policy/index';
import type { DailyRollup, DayRecord, UserStatState } from '../stats/statistics.ts';
import { getItems } from './batch-get.ts';
import { readable } from './expiry.ts';
import { dayPartitions, statsKey, userStatKey } from './record-keys.ts';

const STATS_CATEGORY = 'statistical-data';

/** Storage of the daily rollups, snapshots and per-user statistics state of tenants. */
export class DynamoStatsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * One tenant's CIAM records of one UTC day that are still readable at `now`: one Query per shard,
   * never more than that day.
   */
  async dayRecords(tenantId: string, date: string, now: Date): Promise<DayRecord[]> {
    const records: DayRecord[] = [];
    for (const pk of dayPartitions(tenantId, date)) {
      for (const prefix of ['user-operation-log#', 'application-data#']) {
        const pages = paginateQuery(
          { client: this.db },
          {
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
            ProjectionExpression: 'id, #type, category, occurredAt, #data',
            ExpressionAttributeNames: { '#type': 'type', '#data': 'data' },
          },
        );
        for await (const page of pages) {
          for (const item of readable(page.Items ?? [], now)) {
            const data = (item.data ?? {}) as Record<string, unknown>;
            records.push({
              id: String(item.id),
              type: String(item.type),
              occurredAt: String(item.occurredAt),
              ...(typeof data.userId === 'string' ? { userId: data.userId } : {}),
              ...(typeof data.appId === 'string' ? { appId: data.appId } : {}),
              ...(typeof data.country === 'string' ? { country: data.country } : {}),
            });
          }
        }
      }
    }
    return records;
  }

  async rollup(tenantId: string, date: string): Promise<DailyRollup | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: statsKey(tenantId, 'ROLLUP', date),
        ConsistentRead: true,
      }),
    );
    return Item?.rollup as DailyRollup | undefined;
  }

  /** The latest rollup strictly before `date`, if any. */
  async latestRollupBefore(tenantId: string, date: string): Promise<DailyRollup | undefined> {
    const key = statsKey(tenantId, 'ROLLUP', date);
    const pages = paginateQuery(
      { client: this.db, pageSize: 1 },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': key.pk, ':from': 'ROLLUP#', ':to': key.sk },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) if (item.sk !== key.sk) return item.rollup as DailyRollup;
    }
    return undefined;
  }

  /** Rollups with from <= date <= to (a 30-day window is one Query). */
  async rollups(tenantId: string, from: string, to: string): Promise<DailyRollup[]> {
    return (await this.#range(tenantId, 'ROLLUP', from, to)).map((item) => item.rollup as DailyRollup);
  }

  async snapshots(tenantId: string, from: string, to: string): Promise<Array<Record<string, unknown>>> {
    return (await this.#range(tenantId, 'SNAPSHOT', from, to)).map(
      (item) => item.snapshot as Record<string, unknown>,
    );
  }

  async saveDay(tenantId: string, rollup: DailyRollup, snapshot: object, computedAt: Date): Promise<void> {
    const common = {
      tenantId,
      category: STATS_CATEGORY,
      policyVersion: POLICY_VERSION,
      computedAt: computedAt.toISOString(),
    };
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...statsKey(tenantId, 'ROLLUP', rollup.date), ...common, rollup },
      }),
    );
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...statsKey(tenantId, 'SNAPSHOT', rollup.date), ...common, snapshot },
      }),
    );
  }

  async userStates(tenantId: string, userIds: readonly string[]): Promise<Map<string, UserStatState>> {
    const keys = userIds.map((id) => userStatKey(tenantId, id));
    const items = await getItems(this.db, this.table, keys, { consistent: true });
    const states = new Map<string, UserStatState>();
    for (const item of items) {
      const state = item.state as UserStatState;
      states.set(String(state.userId), state);
    }
    return states;
  }

  async saveUserStates(tenantId: string, states: Iterable<UserStatState>): Promise<void> {
    const puts = [...states].map((state) => ({
      PutRequest: {
        Item: {
          ...userStatKey(tenantId, state.userId),
          tenantId,
          category: STATS_CATEGORY,
          state: JSON.parse(JSON.stringify(state)),
        },
      },
    }));
    for (let i = 0; i < puts.length; i += 25) {
      let batch: typeof puts = puts.slice(i, i + 25);
      for (let attempt = 0; batch.length > 0; attempt++) {
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: batch } }));
        batch = (out.UnprocessedItems?.[this.table] ?? []) as typeof puts;
        if (batch.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  async #range(tenantId: string, kind: 'ROLLUP' | 'SNAPSHOT', from: string, to: string) {
    const items: Array<Record<string, unknown>> = [];
    const pk = statsKey(tenantId, kind, from).pk;
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': `${kind}#${from}`, ':to': `${kind}#${to}` },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}
