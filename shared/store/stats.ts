import { type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { POLICY_VERSION, readable } from '#policy/index';
import type { DailyRollup, DayRecord, UserStatState } from '../stats/statistics.ts';
import { getItems, putItems } from './batch.ts';
import { DAY_INDEX } from './indexes.ts';
import { dayIndexPartitions, daySkRange, statsKey, statsPartition, userStatKey } from './keys.ts';
import type { StatsStore } from './ports.ts';

const STATS_CATEGORY = 'statistical-data';
/** The one category the statistics count (applications come from their own items). */
const COUNTED = 'user-operation-log';

/** Rollups, snapshots and per-user state on the records table; a day's records from the `byDay` index. */
export class DynamoStatsStore implements StatsStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async dayRecords(tenantId: string, date: string, now: Date): Promise<DayRecord[]> {
    const records: DayRecord[] = [];
    const range = daySkRange(COUNTED, `${date}T00:00:00.000Z`, `${date}T23:59:59.999Z`);
    await Promise.all(
      dayIndexPartitions(tenantId, date).map(async (dayPk) => {
        const pages = paginateQuery(
          { client: this.db },
          {
            TableName: this.table,
            IndexName: DAY_INDEX,
            KeyConditionExpression: 'dayPk = :pk AND daySk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': dayPk, ':from': range.from, ':to': range.to },
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
              ...(typeof data.country === 'string' ? { country: data.country } : {}),
            });
          }
        }
      }),
    );
    return records;
  }

  async latestRollupBefore(tenantId: string, date: string): Promise<DailyRollup | undefined> {
    const key = statsKey(tenantId, 'ROLLUP', date);
    const pages = paginateQuery(
      { client: this.db, pageSize: 2 },
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
    const items = [...states].map((state) => ({
      ...userStatKey(tenantId, state.userId),
      tenantId,
      category: STATS_CATEGORY,
      state: JSON.parse(JSON.stringify(state)),
    }));
    await putItems(this.db, this.table, items);
  }

  async #range(tenantId: string, kind: 'ROLLUP' | 'SNAPSHOT', from: string, to: string) {
    const items: Array<Record<string, unknown>> = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': statsPartition(tenantId),
          ':from': statsKey(tenantId, kind, from).sk,
          ':to': statsKey(tenantId, kind, to).sk,
        },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }
}
