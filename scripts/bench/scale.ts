import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { pool } from '#shared/pool';
import { utcDay } from '#shared/time';
import { DynamoApplicationStore } from '#store/applications';
import { DAY_INDEX } from '#store/indexes';
import { dayIndexPartitions, TENANT_REGISTRY } from '#store/keys';
import { NamedQueue } from '#store/queue';
import { DynamoStatsStore } from '#store/stats';
import { DynamoTenantStore } from '#store/tenants';
import type { IsolatedCloud } from '#test/isolated-cloud';
import { storeHistory } from '#test/sweep';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import { type BenchCloud, benchDb } from './cloud.ts';
import { ratios, summarise, timed } from './measure.ts';
import type { Figure, Sizes } from './sizes.ts';

const DAY_MS = 86_400_000;
/** Messages worked on at once while draining: Lambda's pollers, each handing batches of 10 to a worker. */
const DRAIN_WORKERS = 16;

type Db = ReturnType<typeof benchDb>['db'];

/** Tenants using CIAM, each with a few logins on the day that ended (what the daily fan-out computes). */
async function tenantsWithADay(cloud: IsolatedCloud, db: Db, n: number, day: string): Promise<void> {
  const tenants = new DynamoTenantStore(db, cloud.tables.TenantsTable as string);
  // Opened that day: each message computes exactly one day (no backfill of earlier ones).
  const openedAt = `${day}T00:00:00.000Z`;
  await pool(n, 8, async (i) => {
    const tenant = await createTenant(
      { name: `Fan-out ${i}`, modules: ['ciam'], maxUsers: 10_000, region: 'DE', openedAt },
      tenants,
      new Date(),
    );
    const at = Date.parse(`${day}T12:00:00Z`);
    await storeHistory(
      cloud,
      tenant.id,
      Array.from({ length: 5 }, (_, k) => ({
        type: 'user.login',
        occurredAt: new Date(at + k * 60_000),
        fields: { userId: `u-${k % 3}` },
      })),
      { batch: 5 },
    );
  });
}

/** Receives from a queue with `workers` pollers until `expected` messages were handled and deleted. */
async function drain(sqs: SQSClient, url: string, expected: number, work: (body: string) => Promise<void>) {
  let handled = 0;
  await pool(DRAIN_WORKERS, DRAIN_WORKERS, async () => {
    while (handled < expected) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const messages = out.Messages ?? [];
      await Promise.all(messages.map((m) => work(String(m.Body))));
      handled += messages.length;
      if (messages.length)
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: String(m.ReceiptHandle) })),
          }),
        );
    }
  });
  return handled;
}

/**
 * The daily fan-out for many tenants: the project's (the tenant registry paged into the stats queue,
 * then each tenant-day computed by the aggregation use case, 16 workers) against a raw baseline of
 * the same shape (the registry queried, SendMessageBatch, then each tenant-day's records queried).
 * Items are tenant-days per second, enqueue to the last one drained.
 */
export async function fanOutFigures(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const cloud = await bench.copy();
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const tenantsTable = cloud.tables.TenantsTable as string;
  const recordsTable = cloud.tables.RecordsTable as string;
  const day = utcDay(new Date(Date.now() - DAY_MS));
  const n = sizes.fanOutTenants;
  await tenantsWithADay(cloud, db, n, day);
  const tenants = new DynamoTenantStore(db, tenantsTable);
  const sqs = cloud.clients.sqs;
  const statsQueue = cloud.queues.StatsQueue as { name: string; url: string };
  const deps = {
    tenants,
    stats: new DynamoStatsStore(db, recordsTable),
    applications: new DynamoApplicationStore(db, recordsTable),
    now: () => new Date(),
    remainingMs: () => 600_000,
  };
  const rates = { project: [] as number[], raw: [] as number[] };
  // Three repetitions at most: each drains every tenant twice, the longest step of the bench.
  for (let rep = 0; rep < Math.min(3, sizes.reps); rep++) {
    const project = await timed(async () => {
      const queue = new NamedQueue(sqs, statsQueue.name);
      for await (const page of tenants.tenantIds())
        await queue.sendAll(page.map((tenantId) => ({ tenantId, date: day })));
      return drain(sqs, statsQueue.url, n, async (body) => {
        const job = JSON.parse(body) as { tenantId: string; date: string };
        const outcome = await aggregateTenantDay(job.tenantId, job.date, deps);
        if (outcome.status === 'skipped')
          throw new Error(`aggregation skipped ${job.tenantId}: ${outcome.reason}`);
      });
    });
    const raw = await timed(async () => {
      const ids: string[] = [];
      for await (const page of paginateQuery(
        { client: db },
        {
          TableName: tenantsTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': TENANT_REGISTRY },
        },
      ))
        for (const item of page.Items ?? []) ids.push(String(item.sk));
      await pool(Math.ceil(ids.length / 10), 1, async (b) => {
        await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: statsQueue.url,
            Entries: ids
              .slice(b * 10, b * 10 + 10)
              .map((id, i) => ({ Id: String(i), MessageBody: JSON.stringify({ tenantId: id, date: day }) })),
          }),
        );
      });
      return drain(sqs, statsQueue.url, ids.length, async (body) => {
        const job = JSON.parse(body) as { tenantId: string; date: string };
        await Promise.all(
          dayIndexPartitions(job.tenantId, job.date).map((pk) =>
            db.send(
              new QueryCommand({
                TableName: recordsTable,
                IndexName: DAY_INDEX,
                KeyConditionExpression: 'dayPk = :pk',
                ExpressionAttributeValues: { ':pk': pk },
              }),
            ),
          ),
        );
      });
    });
    if (project.value !== n || raw.value !== n)
      throw new Error(`drained ${project.value} / ${raw.value} of ${n}`);
    rates.project.push(n / (project.ms / 1000));
    rates.raw.push(n / (raw.ms / 1000));
  }
  const note = `${n} tenants, one day of 5 logins each; ${DRAIN_WORKERS} workers on each side; the raw side computes nothing (reads the day only)`;
  return [
    { figure: `fan-out: ${n} tenant-days/s`, unit: 'items/s', value: summarise(rates.project), note },
    { figure: 'fan-out: raw SendMessageBatch + Query items/s', unit: 'items/s', value: summarise(rates.raw) },
    { figure: 'fan-out: rate vs raw', unit: '×', value: summarise(ratios(rates.project, rates.raw)) },
  ];
}
