import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsPoller } from '#local/sqs-consumer';
import { categoryOf, type ModuleId } from '#policy/index';
import { pool } from '#shared/pool';
import { DynamoApplicationStore } from '#store/applications';
import type { Tenant } from '#store/ports';
import { DynamoRecordStore } from '#store/records';
import { type Api, capture, createTenant, loadExportLogs, loadHttpFunctions } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { DAY_MS } from '#test/log-history';
import { validRecord } from '#test/records';
import { documentClient, runSweep, sweepStores } from '#test/sweep';
import { captureRecords } from '../../functions/captureEvents/capture.ts';

const end = new Date(Date.now() - 60_000);

// Exports of log queries through the export queue, the worker and the S3 emulator: the file holds
// exactly what the query route's pages hold, its URL downloads it, and the sweep deletes it on time.
describe('log exports', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  let poller: SqsPoller;
  let tenant: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  const requestExport = (key: string, log: string, body: object) =>
    api.logsApi({
      method: 'POST',
      route: '/v1/logs/{log}/exports',
      pathParameters: { log },
      headers: auth(key),
      body,
    });
  const status = (key: string, id: string) =>
    api.logsApi({
      method: 'GET',
      route: '/v1/logs/exports/{id}',
      pathParameters: { id },
      headers: auth(key),
    });
  /** Runs the export queue until it is empty, as Lambda's event source mapping would. */
  const drain = async () => {
    let retried = 0;
    for (let empty = 0; empty < 2; ) {
      const polled = await poller.pollOnce(0);
      if (polled.received === 0) empty++;
      retried += polled.retried;
    }
    // Every export message was settled at its first delivery.
    expect(retried).toBe(0);
  };
  /** Every item of a query, through the query route's pages. */
  const pages = async (key: string, log: string, query: Record<string, string>) => {
    const items: unknown[] = [];
    let cursor: string | undefined;
    do {
      const response = await api.logsApi({
        method: 'GET',
        route: `/v1/logs/${log}`,
        query: { ...query, limit: '100', ...(cursor ? { cursor } : {}) },
        headers: auth(key),
      });
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      items.push(...response.body.items);
      cursor = response.body.cursor;
    } while (cursor);
    return items;
  };
  const download = async (url: string) => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    const worker = await loadExportLogs();
    const queue = cloud.queues.ExportQueue as { url: string; arn: string };
    poller = new SqsPoller(cloud.clients.sqs, {
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: 'eu-central-1',
      batchSize: 1,
      reportBatchItemFailures: true,
      invoke: worker,
    });
    tenant = await createTenant(api);
    other = await createTenant(api);
    const mixed = ['user.login', 'user.login_failed', 'admin.action', 'security.container_event'];
    for (const t of [tenant, other]) {
      const events = Array.from({ length: 60 }, (_, i) => {
        const type = mixed[i % mixed.length] as string;
        return validRecord(type, {
          occurredAt: new Date(end.getTime() - i * 3_600_000).toISOString(),
          ...(i % 3 === 0 && type.startsWith('user.') ? { userId: 'u-9' } : {}),
        });
      });
      expect((await capture(api, t.apiKey, { events })).status).toBe(202);
    }
  });
  afterAll(() => cloud.destroy());

  it('writes NDJSON that matches the query pages, and a short-lived download URL', async () => {
    const query = {
      from: new Date(end.getTime() - 5 * DAY_MS).toISOString(),
      to: new Date(end.getTime() + 1).toISOString(),
    };
    const asked = await requestExport(tenant.apiKey, 'user-operations', { ...query, userId: 'u-9' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    expect(asked.body).toMatchObject({
      status: 'pending',
      log: 'user-operations',
      format: 'ndjson',
      filterNames: ['userId'],
    });
    expect(JSON.stringify(asked.body)).not.toContain('u-9');
    const pending = await status(tenant.apiKey, asked.body.exportId);
    expect(pending.body.status).toBe('pending');
    await drain();
    const done = await status(tenant.apiKey, asked.body.exportId);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    const expires = Date.parse(done.body.downloadUrlExpiresAt) - Date.now();
    expect(expires).toBeGreaterThan(0);
    expect(expires).toBeLessThanOrEqual(300_000);
    expect(new URL(done.body.downloadUrl).searchParams.get('X-Amz-Expires')).toBe('300');
    const lines = (await download(done.body.downloadUrl))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const want = await pages(tenant.apiKey, 'user-operations', { ...query, userId: 'u-9' });
    expect(want.length).toBeGreaterThan(5);
    expect(lines).toEqual(want);
    expect(done.body.records).toBe(want.length);
    // The job keeps the names of its filters, never their values.
    expect(JSON.stringify(done.body)).not.toContain('u-9');
  });

  it('writes CSV on request, one row per record after the header', async () => {
    const asked = await requestExport(tenant.apiKey, 'security', { format: 'csv' });
    expect(asked.status).toBe(202);
    await drain();
    const done = await status(tenant.apiKey, asked.body.exportId);
    const rows = (await download(done.body.downloadUrl)).split('\r\n').filter(Boolean);
    const want = (await pages(tenant.apiKey, 'security', {})) as Array<{ id: string }>;
    expect(rows[0]?.split(',').slice(0, 7)).toEqual([
      'id',
      'type',
      'category',
      'occurredAt',
      'capturedAt',
      'policyVersion',
      'deadline',
    ]);
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(want.map((item) => item.id));
  });

  it('answers 404 for another tenant’s export id, and refuses bad requests', async () => {
    const asked = await requestExport(tenant.apiKey, 'admin-actions', {});
    expect((await status(other.apiKey, asked.body.exportId)).status).toBe(404);
    expect((await status(tenant.apiKey, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await status(tenant.apiKey, '../x')).status).toBe(404);
    for (const [log, body, status] of [
      ['nowhere', {}, 404],
      ['user-operations', { format: 'xml' }, 400],
      ['user-operations', { limit: '5' }, 400],
      ['user-operations', { userId: 5 }, 400],
      ['user-operations', { severity: 'high' }, 400],
      ['user-operations', { from: '2025-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }, 400],
    ] as const) {
      const response = await requestExport(tenant.apiKey, log, body);
      expect(response.status, `${log} ${JSON.stringify(body)}`).toBe(status);
      expect(response.headers['content-type']).toBe('application/problem+json');
    }
    await drain();
  });

  it('is deleted by the sweep at its deadline, file and job', async () => {
    const asked = await requestExport(tenant.apiKey, 'api-invocations', {});
    await drain();
    const done = await status(tenant.apiKey, asked.body.exportId);
    const key = new URL(done.body.downloadUrl).pathname.split('/').slice(2).join('/');
    const head = () =>
      cloud.clients.s3.send(new HeadObjectCommand({ Bucket: cloud.buckets.DataBucket, Key: key }));
    await expect(head()).resolves.toBeDefined();
    const deadline = new Date(done.body.deadline);
    // One sweep just before the deadline keeps it; one after it deletes the file and the job.
    await runSweep(sweepStores(cloud), new Date(deadline.getTime() - 60 * 60_000));
    await expect(head()).resolves.toBeDefined();
    await runSweep(sweepStores(cloud), new Date(deadline.getTime() + 20 * 60_000));
    await expect(head()).rejects.toThrow();
    const item = await documentClient(cloud).send(
      new (await import('@aws-sdk/lib-dynamodb')).GetCommand({
        TableName: cloud.tables.RecordsTable,
        Key: { pk: `T#${tenant.id}#EXPORTS`, sk: asked.body.exportId },
      }),
    );
    expect(item.Item).toBeUndefined();
  });

  it('exports 100,000 records exactly as the query pages show them', async () => {
    const big = await createTenant(api);
    const db = documentClient(cloud);
    const table = cloud.tables.RecordsTable as string;
    const deps = {
      records: new DynamoRecordStore(db, table),
      applications: new DynamoApplicationStore(db, table),
      qTokenHashKey: async () => 'unused',
      now: () => new Date(),
    };
    const profile: Tenant = {
      id: big.id,
      name: 'big',
      modules: ['ciam', 'container-security'],
      maxUsers: 1000,
      region: 'DE',
      openedAt: new Date(0).toISOString(),
      createdAt: new Date(0).toISOString(),
      status: 'active',
      terminations: {},
      hostingServices: ['cvm'],
    };
    const n = 100_000;
    const category = categoryOf('api.invocation');
    await pool(n / 100, 8, async (batch) => {
      const records = Array.from({ length: 100 }, (_, j) => {
        const i = batch * 100 + j;
        return {
          id: `big-${i}`,
          type: 'api.invocation' as never,
          category: category.id,
          module: category.module as ModuleId,
          occurredAt: new Date(end.getTime() - (i % 20) * DAY_MS - Math.floor(i / 20) * 1000),
          fields: { requestIp: `192.0.2.${i % 250}` },
        };
      });
      await captureRecords({ tenant: profile, records }, deps);
    });
    const window = {
      from: new Date(end.getTime() - 25 * DAY_MS).toISOString(),
      to: new Date(end.getTime() + 1).toISOString(),
    };
    const asked = await requestExport(big.apiKey, 'api-invocations', window);
    await drain();
    const done = await status(big.apiKey, asked.body.exportId);
    expect(done.body).toMatchObject({ status: 'completed', records: n });
    const ids = (await download(done.body.downloadUrl))
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { id: string }).id);
    const shown = (await pages(big.apiKey, 'api-invocations', window)) as Array<{ id: string }>;
    expect(ids.length).toBe(n);
    expect(ids).toEqual(shown.map((item) => item.id));
  }, 600_000);
});
