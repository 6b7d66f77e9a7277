import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsPoller } from '#local/sqs-consumer';
import { captureDeadline } from '#policy/index';
import {
  type Api,
  bucketListing,
  capture,
  createTenant,
  loadExportLogs,
  loadHttpFunctions,
  OPERATOR_KEY,
} from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';
import { eraseDeps, storesOf, terminateDeps } from '#test/stores';
import { documentClient, runSweep, sweepStores } from '#test/sweep';
import { eraseUser } from '../../functions/eraseUser/erase.ts';
import { runExport } from '../../functions/exportLogs/export.ts';
import { readAudited } from '../../functions/logsApi/audit.ts';
import { requestExport } from '../../functions/logsApi/exports.ts';
import { parseLogQuery } from '../../functions/logsApi/query.ts';
import { terminate } from '../../functions/terminateAccount/terminate.ts';

const operator = { authorization: `Bearer ${OPERATOR_KEY}` };
const end = new Date(Date.now() - 60_000);
const MODULES = ['ciam', 'container-security'];

// Exports are copies of a tenant's records: termination and erasure remove those that copy what
// they remove, and say so in their receipts. Every read of the logs leaves an audit record with no
// personal value in it, which the operator lists and the sweep deletes at its own deadline.
describe('log exports under termination and erasure, and audited reads', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  let poller: SqsPoller;
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  const exportOf = async (key: string, log: string, body: object = {}) => {
    const response = await api.logsApi({
      method: 'POST',
      route: '/v1/logs/{log}/exports',
      pathParameters: { log },
      headers: auth(key),
      body,
    });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    return response.body.exportId as string;
  };
  const query = (key: string, log: string, q: Record<string, string> = {}) =>
    api.logsApi({ method: 'GET', route: `/v1/logs/${log}`, query: q, headers: auth(key) });
  const logReads = (
    tenantId: string,
    q: Record<string, string> = {},
    headers: Record<string, string> = operator,
  ) =>
    api.tenantsApi({
      method: 'GET',
      route: '/v1/tenants/{id}/log-reads',
      pathParameters: { id: tenantId },
      query: q,
      headers,
    });
  /** Every audited read of a tenant, through the operator route's pages of `limit`. */
  const allReads = async (tenantId: string, limit = '100') => {
    const reads: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    do {
      const page = await logReads(tenantId, { limit, ...(cursor ? { cursor } : {}) });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      reads.push(...page.body.reads);
      cursor = page.body.cursor;
    } while (cursor);
    return reads;
  };
  const drain = async () => {
    for (let empty = 0; empty < 2; ) if ((await poller.pollOnce(0)).received === 0) empty++;
  };
  const job = async (tenantId: string, exportId: string) =>
    (
      await documentClient(cloud).send(
        new GetCommand({
          TableName: cloud.tables.RecordsTable,
          Key: { pk: `T#${tenantId}#EXPORTS`, sk: exportId },
        }),
      )
    ).Item;
  /** The export files and their entries left of a tenant's exports, by export id. */
  const leftOf = async (tenantId: string) => {
    const files = (await bucketListing(cloud, `exports/${tenantId}/`)).map((o) =>
      o.key.replace(/^.*\/|\.(ndjson|csv)$/g, ''),
    );
    const { items } = await storesOf(cloud).data.page(`T#${tenantId}#OBJECTS`, undefined, 1000);
    const entries = items
      .filter((i) => i.category === 'log-export')
      .map((i) => String(i.sk).replace(/^.*\/|\.(ndjson|csv)$/g, ''));
    return { files: files.sort(), entries: entries.sort() };
  };
  const receiptOf = async (prefix: string) =>
    (await bucketListing(cloud, prefix)).map((o) => JSON.parse(o.body))[0];

  /** A tenant of both modules with user operations (two users), admin actions and security records. */
  async function tenantWithLogs() {
    const tenant = await createTenant(api, { modules: MODULES });
    const types = ['user.login', 'admin.action', 'security.container_event', 'user.login_failed'];
    const events = Array.from({ length: 24 }, (_, i) =>
      validRecord(types[i % types.length] as string, {
        occurredAt: new Date(end.getTime() - i * 3_600_000).toISOString(),
        ...(types[i % types.length]?.startsWith('user.') ? { userId: i % 3 === 0 ? 'u-9' : 'u-1' } : {}),
      }),
    );
    expect((await capture(api, tenant.apiKey, { events })).status).toBe(202);
    return tenant;
  }
  const requestTermination = async (tenantId: string, modules: string[]) => {
    const requested = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/termination',
      pathParameters: { id: tenantId },
      headers: operator,
      body: { modules },
    });
    expect(requested.status).toBe(202);
    return requested.body.modules[0].requestedAt as string;
  };
  const requestErasure = async (key: string, userId: string) => {
    const requested = await api.erasureApi({
      method: 'POST',
      route: '/v1/users/{userId}/erasure',
      pathParameters: { userId },
      headers: auth(key),
    });
    expect(requested.status).toBe(202);
    return requested.body as { erasureId: string; tenantId: string; requestedAt: string; receipt: string };
  };

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    const queue = cloud.queues.ExportQueue as { url: string; arn: string };
    poller = new SqsPoller(cloud.clients.sqs, {
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: 'eu-central-1',
      batchSize: 1,
      reportBatchItemFailures: true,
      invoke: await loadExportLogs(),
    });
  });
  afterAll(() => cloud.destroy());

  it("removes the terminated module's exports and not the other module's, counted in the receipt", async () => {
    const tenant = await tenantWithLogs();
    const other = await tenantWithLogs();
    const ciam = [
      await exportOf(tenant.apiKey, 'user-operations'),
      await exportOf(tenant.apiKey, 'admin-actions'),
    ];
    const security = await exportOf(tenant.apiKey, 'security', { format: 'csv' });
    const untouched = await exportOf(other.apiKey, 'user-operations');
    await drain();
    const pending = await exportOf(tenant.apiKey, 'api-invocations'); // requested, never run
    expect((await leftOf(tenant.id)).files).toEqual([...ciam, security].sort());

    const requestedAt = await requestTermination(tenant.id, ['ciam']);
    expect(await terminate({ tenantId: tenant.id, module: 'ciam', requestedAt }, terminateDeps(cloud))).toBe(
      'completed',
    );
    expect(await leftOf(tenant.id)).toEqual({ files: [security], entries: [security] });
    for (const id of [...ciam, pending]) expect(await job(tenant.id, id)).toBeUndefined();
    expect(await job(tenant.id, security)).toBeDefined();
    expect((await leftOf(other.id)).files).toEqual([untouched]);
    const receipt = await receiptOf(`receipts/${tenant.id}/ciam-`);
    expect(receipt.categories['log-export']).toEqual({ deleted: 3, archived: 0, kept: 0 });
    // The message of the export that never ran comes later: it writes nothing.
    await drain();
    expect((await leftOf(tenant.id)).files).toEqual([security]);
  });

  it('ends with the same exports and counts when it crashes at every step of removing them', async () => {
    const tenant = await tenantWithLogs();
    const ids = [
      await exportOf(tenant.apiKey, 'user-operations'),
      await exportOf(tenant.apiKey, 'admin-actions'),
    ];
    await drain();
    const requestedAt = await requestTermination(tenant.id, ['ciam']);
    const deps = terminateDeps(cloud);
    let budget = 0;
    const files = {
      remove: async (ref: Parameters<typeof deps.exportFiles.remove>[0]) => {
        if (budget-- <= 0) throw new Error('injected crash');
        return deps.exportFiles.remove(ref);
      },
    };
    let outcome: string | undefined;
    let crashes = 0;
    for (; outcome !== 'completed'; crashes++) {
      budget = crashes;
      outcome = await terminate(
        { tenantId: tenant.id, module: 'ciam', requestedAt },
        { ...deps, exportFiles: files },
      ).catch(() => 'crashed');
      const saved = await deps.jobs.job(tenant.id, 'ciam');
      if (saved?.leaseUntil) await deps.jobs.save({ ...saved, leaseUntil: new Date(0).toISOString() });
      expect(crashes).toBeLessThan(20);
    }
    expect(crashes).toBeGreaterThan(1);
    expect(await leftOf(tenant.id)).toEqual({ files: [], entries: [] });
    for (const id of ids) expect(await job(tenant.id, id)).toBeUndefined();
    const receipt = await receiptOf(`receipts/${tenant.id}/ciam-`);
    expect(receipt.categories['log-export']).toMatchObject({ deleted: 2 });
  });

  it('keeps an export while a legal hold covers a category it copies, and counts it as held', async () => {
    const tenant = await tenantWithLogs();
    const held = await exportOf(tenant.apiKey, 'user-operations');
    const removed = await exportOf(tenant.apiKey, 'admin-actions');
    await drain();
    const placed = await api.tenantsApi({
      method: 'POST',
      route: '/v1/tenants/{id}/holds',
      pathParameters: { id: tenant.id },
      headers: operator,
      body: { categories: ['user-operation-log'], reason: 'case 7', placedBy: 'legal' },
    });
    expect(placed.status).toBe(201);
    const requestedAt = await requestTermination(tenant.id, ['ciam']);
    expect(await terminate({ tenantId: tenant.id, module: 'ciam', requestedAt }, terminateDeps(cloud))).toBe(
      'completed',
    );
    expect(await leftOf(tenant.id)).toEqual({ files: [held], entries: [held] });
    expect(await job(tenant.id, removed)).toBeUndefined();
    const receipt = await receiptOf(`receipts/${tenant.id}/ciam-`);
    expect(receipt.categories['log-export']).toEqual({ deleted: 1, archived: 0, kept: 0, held: 1 });
    // On release the termination is carried out again: the held export goes, and both are counted.
    const released = await api.tenantsApi({
      method: 'DELETE',
      route: '/v1/tenants/{id}/holds/{holdId}',
      pathParameters: { id: tenant.id, holdId: placed.body.holdId },
      headers: operator,
    });
    expect(released.status).toBe(200);
    expect(await terminate({ tenantId: tenant.id, module: 'ciam', requestedAt }, terminateDeps(cloud))).toBe(
      'completed',
    );
    expect(await leftOf(tenant.id)).toEqual({ files: [], entries: [] });
    const after = await receiptOf(`receipts/${tenant.id}/ciam-`);
    expect(after.categories['log-export']).toEqual({ deleted: 2, archived: 0, kept: 0 });
  });

  it("removes the exports that may hold an erased user's records, keeps the others, and counts them", async () => {
    const tenant = await tenantWithLogs();
    const everyone = await exportOf(tenant.apiKey, 'user-operations');
    const theirs = await exportOf(tenant.apiKey, 'user-operations', { userId: 'u-9' });
    const someoneElse = await exportOf(tenant.apiKey, 'user-operations', { userId: 'u-1' });
    const admin = await exportOf(tenant.apiKey, 'admin-actions');
    await drain();
    const running = await exportOf(tenant.apiKey, 'user-operations', { result: 'success' }); // not run yet
    const request = await requestErasure(tenant.apiKey, 'u-9');
    const erasure = { kind: 'erasure' as const, ...request, userId: 'u-9' };
    expect(await eraseUser(erasure, eraseDeps(cloud))).toBe('completed');
    expect(await leftOf(tenant.id)).toEqual({
      files: [someoneElse, admin].sort(),
      entries: [someoneElse, admin].sort(),
    });
    for (const id of [everyone, theirs, running]) expect(await job(tenant.id, id)).toBeUndefined();
    const receipt = await receiptOf(request.receipt);
    expect(receipt.erasedRecords['log-export']).toBe(3);
    expect(JSON.stringify(receipt)).not.toContain('u-9');
    // The export that had not run yet comes after the erasure: it writes nothing.
    await drain();
    expect((await leftOf(tenant.id)).files).toEqual([someoneElse, admin].sort());
  });

  it('removes its own file when an erasure removed its job while the file was being written', async () => {
    const tenant = await tenantWithLogs();
    const exportId = await exportOf(tenant.apiKey, 'user-operations');
    const request = await requestErasure(tenant.apiKey, 'u-9');
    const s = storesOf(cloud);
    const deps = {
      tenants: s.tenants,
      exports: s.exports,
      reader: new (await import('#store/log-reads')).DynamoLogReader(
        documentClient(cloud),
        cloud.tables.RecordsTable as string,
      ),
      now: () => new Date(),
      files: {
        ...s.exportFiles,
        remove: (ref: Parameters<typeof s.exportFiles.remove>[0]) => s.exportFiles.remove(ref),
        // The erasure runs to its end after the worker read the job, before it writes the file.
        write: async (...args: Parameters<typeof s.exportFiles.write>) => {
          expect(await eraseUser({ kind: 'erasure', ...request, userId: 'u-9' }, eraseDeps(cloud))).toBe(
            'completed',
          );
          await s.exportFiles.write(...args);
          expect((await leftOf(tenant.id)).files).toEqual([exportId]);
        },
      },
    };
    expect(await runExport({ tenantId: tenant.id, exportId }, deps)).toMatchObject({ outcome: 'withdrawn' });
    expect(await leftOf(tenant.id)).toEqual({ files: [], entries: [] });
    expect(await job(tenant.id, exportId)).toBeUndefined();
    await drain(); // the export's own message: nothing left to write
    expect(await leftOf(tenant.id)).toEqual({ files: [], entries: [] });
  });

  it('records every query page and export request once, with no personal value in it', async () => {
    const tenant = await tenantWithLogs();
    const personal = ['u-9', '203.0.113.7', 'ctr-secret-1', 'uin-secret-2', 'app-secret-3'];
    const reads: Array<[string, Record<string, string>]> = [
      ['user-operations', { userId: 'u-9', result: 'success', country: 'DE' }],
      ['api-invocations', { requestIp: '203.0.113.7' }],
      ['security', { containerId: 'ctr-secret-1', severity: 'high', category: 'container-security' }],
      ['admin-actions', { uin: 'uin-secret-2', appId: 'app-secret-3' }],
    ];
    for (const [log, filters] of reads) expect((await query(tenant.apiKey, log, filters)).status).toBe(200);
    const page = await query(tenant.apiKey, 'user-operations', { limit: '2' });
    expect(page.body.cursor).toBeDefined();
    await query(tenant.apiKey, 'user-operations', { limit: '2', cursor: page.body.cursor });
    const exportId = await exportOf(tenant.apiKey, 'user-operations', { userId: 'u-9', type: 'user.login' });
    // A refused read returns nothing and is no read.
    expect((await query(tenant.apiKey, 'user-operations', { userId: '' })).status).toBe(400);

    const audited = await allReads(tenant.id);
    expect(audited).toHaveLength(reads.length + 3);
    expect(JSON.stringify(audited)).not.toMatch(new RegExp(personal.join('|')));
    const newest = audited[0];
    expect(newest).toMatchObject({
      action: 'export',
      route: 'POST /v1/logs/user-operations/exports',
      log: 'user-operations',
      exportId,
      filterNames: ['type', 'userId'],
      filters: { type: 'user.login' },
    });
    const [continued, first] = [audited[1], audited[2]];
    expect(continued).toMatchObject({ action: 'query', continued: true, returned: 2, filterNames: [] });
    expect(first).toMatchObject({ continued: false, returned: 2 });
    const byLog = Object.fromEntries(audited.slice(3).map((r) => [r.log, r]));
    expect(byLog['user-operations']).toMatchObject({
      route: 'GET /v1/logs/user-operations',
      filterNames: ['country', 'result', 'userId'],
      filters: { result: 'success', country: 'DE' },
    });
    expect(byLog['api-invocations']).toMatchObject({ filterNames: ['requestIp'], filters: {} });
    expect(byLog.security).toMatchObject({
      filterNames: ['category', 'containerId', 'severity'],
      filters: { severity: 'high', category: 'container-security' },
    });
    expect(byLog['admin-actions']).toMatchObject({ filterNames: ['appId', 'uin'], filters: {} });
    for (const read of audited) {
      expect(read.tenantId).toBe(tenant.id);
      expect(Date.parse(String(read.readAt))).toBeGreaterThan(end.getTime());
    }
  });

  it('fails a read, and queues no export, when its audit record cannot be written', async () => {
    const tenant = await tenantWithLogs();
    const profile = await storesOf(cloud).tenants.get(tenant.id);
    if (!profile) throw new Error('tenant not stored');
    const s = storesOf(cloud);
    const unwritable = {
      record: async () => {
        throw new Error('injected: the audit table refuses the write');
      },
      newestFirst: async () => ({ reads: [] }),
    };
    const reader = new (await import('#store/log-reads')).DynamoLogReader(
      documentClient(cloud),
      cloud.tables.RecordsTable as string,
    );
    const query = parseLogQuery('user-operations', {});
    const readDeps = { reader, cursorKey: async () => 'k', audit: unwritable, now: () => new Date() };
    await expect(readAudited({ tenant: profile, query }, readDeps)).rejects.toThrow(/audit table/);
    const { NamedQueue } = await import('#store/queue');
    const exportDeps = {
      exports: s.exports,
      links: s.exportLinks,
      queue: new NamedQueue(cloud.clients.sqs, (cloud.queues.ExportQueue as { name: string }).name),
      audit: unwritable,
      now: () => new Date(),
    };
    await expect(
      requestExport({ tenant: profile, log: 'user-operations', body: {} }, exportDeps),
    ).rejects.toThrow(/audit table/);
    expect(await s.exports.list(tenant.id)).toEqual([]);
    await drain();
    expect(await leftOf(tenant.id)).toEqual({ files: [], entries: [] });
    // With the audit writable, the same read answers and is recorded.
    const page = await readAudited(
      { tenant: profile, query },
      {
        ...readDeps,
        audit: new (await import('#store/read-audit')).DynamoReadAudit(
          documentClient(cloud),
          cloud.tables.RecordsTable as string,
        ),
      },
    );
    expect(page.items.length).toBeGreaterThan(0);
    expect(await allReads(tenant.id)).toMatchObject([{ action: 'query', returned: page.items.length }]);
  });

  it('lists a tenant’s reads to the operator newest first in pages, and to no one else', async () => {
    const tenant = await tenantWithLogs();
    const other = await tenantWithLogs();
    for (let i = 0; i < 7; i++) await query(tenant.apiKey, 'admin-actions', { limit: String(i + 1) });
    await query(other.apiKey, 'admin-actions');
    const paged = await allReads(tenant.id, '3');
    expect(paged.map((r) => r.returned)).toEqual([7, 6, 5, 4, 3, 2, 1].map((n) => Math.min(n, 6)));
    expect(paged.map((r) => r.readAt)).toEqual(
      paged
        .map((r) => r.readAt)
        .sort()
        .reverse(),
    );
    expect(await allReads(tenant.id)).toEqual(paged);
    expect(await allReads(other.id)).toHaveLength(1);
    for (const headers of [auth(tenant.apiKey), {}]) {
      const refused = await logReads(tenant.id, {}, headers);
      expect(refused.status).toBe(401);
      expect(refused.headers['content-type']).toBe('application/problem+json');
    }
    expect((await logReads('no-such-tenant')).status).toBe(404);
    const forged = Buffer.from(`${new Date().toISOString()}#x`).toString('base64url');
    expect((await logReads(tenant.id, { cursor: forged })).status).toBe(400);
  });

  it('is deleted by the sweep at its deadline, and not before', async () => {
    const tenant = await tenantWithLogs();
    await query(tenant.apiKey, 'security');
    const [read] = await allReads(tenant.id);
    const deadline = captureDeadline('log-read', new Date(String(read?.readAt))) as Date;
    expect(deadline.getTime()).toBeGreaterThan(Date.parse(String(read?.readAt)));
    const stored = async () =>
      (await storesOf(cloud).data.page(`T#${tenant.id}#READS`, undefined, 100)).items.length;
    await runSweep(sweepStores(cloud), new Date(deadline.getTime() - 60 * 60_000));
    expect(await stored()).toBe(1);
    await runSweep(sweepStores(cloud), new Date(deadline.getTime() + 20 * 60_000));
    expect(await stored()).toBe(0);
  });
});
