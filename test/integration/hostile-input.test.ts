import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiEvent, lambdaContext, readResponse } from '#test/api-events';
import { bucketListing, createTenant, loadHttpFunctions, OPERATOR_KEY, tableSnapshot } from '#test/functions';
import { type HostileRequest, hostileCorpus } from '#test/hostile';
import { type IsolatedCloud, isolatedCloud, queueDepth } from '#test/local-cloud';
import { validRecord } from '#test/records';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

// A generated corpus of hostile requests against every HTTP route. Each must be refused with a 4xx
// RFC 9457 problem, never a 5xx or a 2xx, and none may change a table, the bucket or the queue.
describe('hostile input', () => {
  let cloud: IsolatedCloud;
  let handlers: Record<HostileRequest['fn'], Handler>;
  let corpus: HostileRequest[];

  const listings = async () => ({
    tenants: await tableSnapshot(cloud, cloud.tables.TenantsTable as string),
    records: await tableSnapshot(cloud, cloud.tables.RecordsTable as string),
    bucket: await bucketListing(cloud),
    queued: await queueDepth(cloud, cloud.queues.TerminationQueue?.url as string),
  });

  beforeAll(async () => {
    cloud = await isolatedCloud();
    const api = await loadHttpFunctions(cloud);
    handlers = {
      capture: (await import('../../functions/captureEvents/handler.ts')).handler as unknown as Handler,
      tenantsApi: (await import('../../functions/tenantsApi/handler.ts')).handler as unknown as Handler,
      statsApi: (await import('../../functions/statsApi/handler.ts')).handler as unknown as Handler,
      erasureApi: (await import('../../functions/erasureApi/handler.ts')).handler as unknown as Handler,
      sourcesApi: (await import('../../functions/sourcesApi/handler.ts')).handler as unknown as Handler,
      logsApi: (await import('../../functions/logsApi/handler.ts')).handler as unknown as Handler,
    };
    const tenant = await createTenant(api);
    const other = await createTenant(api);
    // Some data to be left alone: records of both tenants.
    for (const t of [tenant, other]) {
      const sent = await api.capture({
        method: 'POST',
        route: '/v1/events',
        headers: { authorization: `Bearer ${t.apiKey}` },
        body: {
          events: [validRecord('user.registered'), validRecord('user.login'), validRecord('admin.action')],
        },
      });
      expect(sent.status).toBe(202);
    }
    corpus = hostileCorpus({
      tenantKey: tenant.apiKey,
      operatorKey: OPERATOR_KEY,
      tenantId: tenant.id,
      otherTenantId: other.id,
    });
  });
  afterAll(() => cloud.destroy());

  it('generates at least 300 distinct requests', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.map((c) => c.name)).size).toBe(corpus.length);
  });

  it('answers every one with a 4xx problem+json and changes nothing', async () => {
    const before = await listings();
    const wrong: string[] = [];
    const statuses = new Map<number, number>();
    for (const { name, fn, request, rawBody } of corpus) {
      const event = apiEvent(request);
      if (rawBody) Object.assign(event, { body: rawBody.toString('base64'), isBase64Encoded: true });
      const response = readResponse(await handlers[fn](event, lambdaContext()));
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const problem =
        response.headers['content-type'] === 'application/problem+json' &&
        response.body?.status === response.status &&
        typeof response.body?.detail === 'string';
      if (response.status < 400 || response.status > 499 || !problem)
        wrong.push(`${name} -> ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
    }
    expect(wrong).toEqual([]);
    // The corpus reaches every kind of refusal, not just one.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 404, 413, 415, 422]));
    expect(await listings()).toEqual(before);
  });
});
