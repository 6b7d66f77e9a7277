import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators';
import { apiEvent, lambdaContext, readResponse } from '#test/api-events';
import { throttle } from '#test/faults';
import { type Api, createTenant, loadHttpFunctions, tableSnapshot } from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { prng } from '#test/prng';
import { validRecord } from '#test/records';
import { captureDeps } from '#test/stores';
import { captureHttpHandler } from '../../functions/captureEvents/http.ts';

const openapi = load(readFileSync(resolve(import.meta.dirname, '../../docs/openapi.yaml'), 'utf8')) as {
  components: { responses: { Unavailable: { description: string } } };
};

// Capture on a store that throttles beyond the SDK's retries: it answers 503 with Retry-After, never a
// 2xx for a record it did not store, and a client that resends ends with every record stored once.
describe('capture when the store is unavailable', () => {
  let cloud: IsolatedCloud;
  let api: Api;

  /** The capture handler as deployed, on a DynamoDB client whose requests are throttled at `rate`. */
  function captureOn(rate: number, seed: number) {
    const dynamodb = new DynamoDBClient({
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: cloud.endpoints.dynamodbEndpoint,
      maxAttempts: 1, // the SDK gives up at once: what a throttle outlasting its retries looks like
    });
    throttle(dynamodb, rate, prng(seed).next);
    const db = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    const handler = captureHttpHandler(captureDeps(cloud, db), new Logger({ logLevel: 'SILENT' }));
    return async (apiKey: string, body: unknown) =>
      readResponse(
        (await handler(
          apiEvent({
            method: 'POST',
            route: '/v1/events',
            headers: { authorization: `Bearer ${apiKey}` },
            body: body as object,
          }),
          lambdaContext(),
        )) as never,
      );
  }
  const recordsOf = async (tenantId: string) =>
    (await tableSnapshot(cloud, cloud.tables.RecordsTable as string)).filter(
      (i) =>
        i.includes(`"tenantId":{"S":"${tenantId}"}`) && i.includes('"category":{"S":"user-operation-log"}'),
    );

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
  });
  afterAll(() => cloud.destroy());

  it('answers 503 problem+json with Retry-After and the documented meaning when every call is throttled', async () => {
    const tenant = await createTenant(api);
    const response = await captureOn(1, 1)(tenant.apiKey, validRecord('user.login'));
    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.body).toMatchObject({ status: 503, type: '/problems/store-unavailable' });
    // The detail says what the contract says: resending is safe, stored records come back as duplicates.
    expect(openapi.components.responses.Unavailable.description).toMatch(/duplicate/);
    expect(response.body.detail).toMatch(/duplicate/);
    expect(await recordsOf(tenant.id)).toEqual([]);
  });

  it('never answers 2xx for a record it did not store, and a resending client stores each record once', async () => {
    const tenant = await createTenant(api);
    const send = captureOn(0.1, 7);
    const batches = Array.from({ length: 15 }, (_, b) =>
      Array.from({ length: 10 }, (_, i) =>
        validRecord('user.login', { id: `b${b}-r${i}`, userId: `u-${i}` }),
      ),
    );
    let refused = 0;
    let partial = 0;
    for (const batch of batches) {
      for (let attempt = 0; ; attempt++) {
        const before = (await recordsOf(tenant.id)).length;
        const response = await send(tenant.apiKey, { events: batch });
        expect([202, 503]).toContain(response.status);
        const stored = (await recordsOf(tenant.id)).filter((i) =>
          batch.some((r) => i.includes(`"id":{"S":"${r.id}"}`)),
        );
        if (response.status === 202) {
          // Every record the answer calls stored or duplicate is in the table.
          expect(stored).toHaveLength(batch.length);
          break;
        }
        refused++;
        if ((await recordsOf(tenant.id)).length > before) partial++;
        expect(response.headers['retry-after']).toBeDefined();
        expect(attempt).toBeLessThan(50);
      }
    }
    expect(refused).toBeGreaterThan(0);
    // Exactly once: 150 records, none doubled (their keys follow from their ids).
    expect(await recordsOf(tenant.id)).toHaveLength(150);
    // Some refused batches had stored part of their records: the 503 must not promise "nothing changed".
    expect(partial).toBeGreaterThan(0);
  });
});
