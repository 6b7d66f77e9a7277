import { createServer, type Server, type Socket } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators';
import { freePort } from '#local/ports';
import { SqsPoller } from '#local/sqs-consumer';
import { countryDatabase, parseCognitoPools } from '#shared/sources/index';
import { NamedQueue } from '#store/queue';
import { lambdaContext } from '#test/api-events';
import { throttle } from '#test/faults';
import { type Api, createTenant, loadHttpFunctions, tableSnapshot } from '#test/functions';
import { type IsolatedCloud, isolatedCloud, queueDepth } from '#test/local-cloud';
import { prng } from '#test/prng';
import { fixture, NOT_COLLECTED, storedRecords, teeOutput } from '#test/sources';
import { storesOf } from '#test/stores';
import { cognitoTrigger } from '../../functions/cognitoTrigger/trigger.ts';

// The Cognito trigger on the local cloud: it returns the event unchanged in every case (store down,
// throttled, hanging, bad configuration), within its time bound, and a capture it could not finish
// is queued and lands exactly once.

const USER_POOL_ID = 'eu-central-1_AbC123xyz';
const CAPTURE_BUDGET_MS = 1000;

describe('the Cognito user pool trigger', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  let consumer: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  let poller: SqsPoller;
  let hanging: Server;
  const sockets: Socket[] = [];
  const logLines: string[] = [];
  let restoreStdout: () => void;

  const queue = () => cloud.queues.CaptureQueue as { name: string; url: string; arn: string };
  const dynamodbAt = (endpoint: string) =>
    new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint, maxAttempts: 1 });

  /** The trigger as deployed, on `dynamodb` (faults injected there), for a tenant's user pool. */
  function triggerOn(dynamodb: DynamoDBClient, tenantId: string, invokedAt?: () => Date) {
    const pools = parseCognitoPools([
      { userPoolId: USER_POOL_ID, tenantId, clientIpMetadataKey: 'clientIp' },
    ]);
    if (!pools.ok) throw new Error('pools');
    const db = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    const stores = storesOf(cloud, db);
    const now = invokedAt ?? (() => new Date());
    return cognitoTrigger(
      () => ({
        pools: () => pools.value,
        countries: countryDatabase,
        tenants: stores.tenants,
        capture: {
          records: stores.records,
          applications: stores.applications,
          qTokenHashKey: async () => 'k',
          now,
        },
        queue: new NamedQueue(cloud.clients.sqs, queue().name),
        captureBudgetMs: CAPTURE_BUDGET_MS,
        queueBudgetMs: 1500,
        now,
      }),
      new Logger({ logLevel: 'DEBUG', serviceName: 'cognitoTrigger' }),
    );
  }

  /** Runs the capture queue until it is empty, as Lambda's event source mapping would. */
  async function drain() {
    for (let empty = 0; empty < 2; ) if ((await poller.pollOnce(0)).received === 0) empty++;
  }

  /** Calls the trigger and checks that it handed back the very event, unchanged. */
  async function invoke(trigger: ReturnType<typeof triggerOn>, event: object) {
    const before = structuredClone(event);
    const returned = await trigger(event);
    expect(returned).toBe(event);
    expect(returned).toEqual(before);
  }

  const tenant = () => createTenant(api, { modules: ['ciam'] });

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    consumer = (await import('../../functions/captureQueued/handler.ts')).handler as never;
    poller = new SqsPoller(cloud.clients.sqs, {
      queueUrl: queue().url,
      queueArn: queue().arn,
      region: LOCAL_REGION,
      batchSize: 10,
      reportBatchItemFailures: true,
      invoke: (event) => consumer(event, lambdaContext('captureQueued', 30_000)),
    });
    // A store that accepts connections and never answers.
    hanging = createServer((socket) => sockets.push(socket));
    await new Promise<void>((done) => hanging.listen(0, '127.0.0.1', done));
    restoreStdout = teeOutput(logLines);
  });
  afterAll(() => {
    restoreStdout();
    for (const socket of sockets) socket.destroy();
    hanging.close();
    cloud.destroy();
  });

  it('stores a sign-in and a sign-up directly, from the vendor fixtures, without personal data', async () => {
    const { id } = await tenant();
    const trigger = triggerOn(cloud.clients.dynamodb, id);
    await invoke(trigger, fixture('cognito-post-authentication.json'));
    await invoke(trigger, fixture('cognito-post-confirmation-sign-up.json'));
    await invoke(trigger, fixture('cognito-post-confirmation-forgot-password.json'));
    const stored = [...(await storedRecords(cloud, id)).values()];
    expect(stored.map((r) => [r.type, r.data])).toEqual(
      expect.arrayContaining([
        ['user.login', { userId: '8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }],
        [
          'user.registered',
          { userId: '0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f', clientIp: '81.2.69.160', country: 'GB' },
        ],
      ]),
    );
    expect(stored).toHaveLength(2);
    expect(await queueDepth(cloud, queue().url)).toBe(0);
    const everything = [...(await tableSnapshot(cloud, cloud.tables.RecordsTable as string)), ...logLines];
    for (const marker of NOT_COLLECTED) expect(everything.join('\n'), marker).not.toContain(marker);
  });

  it("counts Cognito's retry of the same sign-in or sign-up once", async () => {
    const { id } = await tenant();
    let at = new Date(Date.UTC(2026, 10, 30, 10, 0, 5));
    const trigger = triggerOn(cloud.clients.dynamodb, id, () => at);
    await invoke(trigger, fixture('cognito-post-authentication.json'));
    await invoke(trigger, fixture('cognito-post-confirmation-sign-up.json'));
    const before = await tableSnapshot(cloud, cloud.tables.RecordsTable as string);
    at = new Date(Date.UTC(2026, 10, 30, 10, 0, 9)); // Cognito retries within seconds
    await invoke(trigger, fixture('cognito-post-authentication.json'));
    await invoke(trigger, fixture('cognito-post-confirmation-sign-up.json'));
    expect(await tableSnapshot(cloud, cloud.tables.RecordsTable as string)).toEqual(before);
    expect((await storedRecords(cloud, id)).size).toBe(2);
  });

  it.each([
    ['the store is down', async () => dynamodbAt(`http://127.0.0.1:${await freePort()}`)],
    [
      'every store call is throttled',
      async () => {
        const client = dynamodbAt(cloud.endpoints.dynamodbEndpoint);
        throttle(client, 1, prng(3).next);
        return client;
      },
    ],
    [
      'the store never answers',
      async () => {
        const address = hanging.address() as { port: number };
        return dynamodbAt(`http://127.0.0.1:${address.port}`);
      },
    ],
  ])(
    'returns the event unchanged when %s, queues the capture, and it lands exactly once',
    async (_, client) => {
      const { id } = await tenant();
      const trigger = triggerOn(await client(), id);
      const lines = logLines.length;
      await invoke(trigger, fixture('cognito-post-confirmation-sign-up.json'));
      expect(await storedRecords(cloud, id)).toHaveProperty('size', 0);
      expect(await queueDepth(cloud, queue().url)).toBe(1);
      const outcome = logLines.slice(lines).find((line) => line.includes('"outcome"'));
      expect(JSON.parse(outcome as string)).toMatchObject({ message: 'cognito trigger', outcome: 'queued' });

      await drain();
      const stored = [...(await storedRecords(cloud, id)).values()];
      expect(stored.map((r) => r.type)).toEqual(['user.registered']);
      // Delivered again (SQS is at least once), and the trigger's own retry once the store is back.
      const healthy = triggerOn(cloud.clients.dynamodb, id);
      await invoke(healthy, fixture('cognito-post-confirmation-sign-up.json'));
      await invoke(trigger, fixture('cognito-post-confirmation-sign-up.json'));
      await drain();
      expect([...(await storedRecords(cloud, id)).values()]).toEqual(stored);
      expect(await queueDepth(cloud, queue().url)).toBe(0);
    },
  );

  it(`gives direct capture at most its budget (${CAPTURE_BUDGET_MS} ms) before handing over`, async () => {
    const { id } = await tenant();
    const address = hanging.address() as { port: number };
    const trigger = triggerOn(dynamodbAt(`http://127.0.0.1:${address.port}`), id);
    const lines = logLines.length;
    // The store never answers: only the bound lets the trigger return at all.
    await invoke(trigger, fixture('cognito-post-authentication.json'));
    const handedOver = logLines.slice(lines).find((line) => line.includes('capture queue'));
    expect(JSON.parse(handedOver as string).error).toMatchObject({
      name: 'TimedOut',
      message: `did not finish within ${CAPTURE_BUDGET_MS} ms`,
    });
    await drain();
    expect((await storedRecords(cloud, id)).size).toBe(1);
  });

  it('stores a queued capture once when the trigger had stored it after all', async () => {
    const { id } = await tenant();
    await invoke(triggerOn(cloud.clients.dynamodb, id), fixture('cognito-post-confirmation-sign-up.json'));
    const [record] = [...(await storedRecords(cloud, id)).values()];
    const { type, occurredAt, data } = record as unknown as {
      type: string;
      occurredAt: string;
      data: object;
    };
    const message = {
      kind: 'capture',
      tenantId: id,
      records: [{ id: record?.id, type, occurredAt, ...data }],
      queuedAt: new Date().toISOString(),
    };
    for (let i = 0; i < 2; i++)
      await cloud.clients.sqs.send(
        new SendMessageCommand({ QueueUrl: queue().url, MessageBody: JSON.stringify(message) }),
      );
    await drain();
    expect([...(await storedRecords(cloud, id)).values()]).toEqual([record]);
  });

  it('sends a queued capture that can never be stored to the DLQ, storing nothing', async () => {
    const { id } = await tenant();
    const dlq = cloud.queues.CaptureDLQ as { url: string };
    await cloud.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue().url,
        MessageBody: JSON.stringify({
          kind: 'capture',
          tenantId: id,
          records: [{ id: 'cg-x', type: 'user.login', occurredAt: 'yesterday', userId: 'u' }],
          queuedAt: new Date().toISOString(),
        }),
      }),
    );
    await drain();
    expect(await queueDepth(cloud, dlq.url)).toBe(1);
    expect((await storedRecords(cloud, id)).size).toBe(0);
  });

  it('returns the event unchanged with a missing or wrong configuration, and captures once it is right', async () => {
    const { id } = await tenant();
    // The deployed handler logs at the level the stage sets; here it must log to be read.
    const level = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    const { handler } = await import('../../functions/cognitoTrigger/handler.ts');
    process.env.POWERTOOLS_LOG_LEVEL = level;
    const deployed = handler as unknown as (event: object) => Promise<object>;
    const call = async (setting: string | undefined, event: object) => {
      if (setting === undefined) delete process.env.COGNITO_POOLS;
      else process.env.COGNITO_POOLS = setting;
      const before = structuredClone(event);
      const lines = logLines.length;
      const returned = await deployed(event);
      expect(returned).toBe(event);
      expect(returned).toEqual(before);
      return logLines.slice(lines).join('\n');
    };
    const signIn = fixture('cognito-post-authentication.json');
    expect(await call(undefined, signIn)).toContain('COGNITO_POOLS is not set');
    expect(await call('not json', signIn)).toContain('COGNITO_POOLS is not valid JSON');
    expect(await call('[{"userPoolId":"eu-central-1_AbC123xyz"}]', signIn)).toContain('/0/tenantId');
    expect((await storedRecords(cloud, id)).size).toBe(0);
    expect(await queueDepth(cloud, queue().url)).toBe(0);

    // Read once right, the setting is kept for the container's life (as Lambda's environment is).
    const right = JSON.stringify([{ userPoolId: USER_POOL_ID, tenantId: id }]);
    await call(right, signIn);
    expect([...(await storedRecords(cloud, id)).values()].map((r) => r.type)).toEqual(['user.login']);
    const otherPool = await call(right, { ...signIn, userPoolId: 'eu-west-1_Other1' });
    expect(otherPool).toContain('not-mapped');
    expect((await storedRecords(cloud, id)).size).toBe(1);
  });
});
