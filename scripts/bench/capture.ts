import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetCommand, BatchWriteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { recordTypes } from '#policy/index';
import { pool } from '#shared/pool';
import { DynamoApplicationStore } from '#store/applications';
import { DynamoRecordStore } from '#store/records';
import { DynamoTenantStore } from '#store/tenants';
import { apiEvent, lambdaContext } from '#test/api-events';
import type { IsolatedCloud } from '#test/isolated-cloud';
import { FIELDS } from '#test/records';
import { captureHttpHandler } from '../../functions/captureEvents/http.ts';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import { type BenchCloud, benchDb, copyTable } from './cloud.ts';
import { atLeast, atMost, quantile, summarise, timed } from './measure.ts';
import type { Figure, Sizes } from './sizes.ts';

type Command = Parameters<DynamoDBDocumentClient['send']>[0];
type Json = Record<string, unknown>;

const COST_TYPES = ['user.login', 'user.registered', 'admin.action'] as const;
let serial = 0;

/** A capture record of `type` happening now, for user `u-<n>`. */
export function event(type: string, user: number): Json {
  const fields = { ...(FIELDS as Record<string, Json>)[type] };
  if ('userId' in fields) fields.userId = `u-${user}`;
  if ('appId' in fields) fields.appId = `app-${user}`;
  return {
    id: `b-${Date.now().toString(36)}-${++serial}`,
    type,
    occurredAt: new Date().toISOString(),
    ...fields,
  };
}

/**
 * The capture handler as deployed (middy, logger, problem errors, auth, validation, policy, store)
 * on its own client, recording per request the DynamoDB commands it sends so the raw side can send
 * exactly the same ones.
 */
export function captureSide(cloud: IsolatedCloud) {
  const { db, capacity } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const recorder = new AsyncLocalStorage<Command[]>();
  const send = db.send.bind(db) as (command: Command) => Promise<unknown>;
  (db as { send: unknown }).send = (command: Command) => {
    recorder.getStore()?.push(command);
    return send(command);
  };
  // A new store per container: its day-marker cache starts empty, as in a fresh Lambda container.
  const container = () =>
    captureHttpHandler(
      {
        tenants: new DynamoTenantStore(db, cloud.tables.TenantsTable as string),
        records: new DynamoRecordStore(db, cloud.tables.RecordsTable as string),
        applications: new DynamoApplicationStore(db, cloud.tables.RecordsTable as string),
        qTokenHashKey: async () => 'bench-qtoken-hash-key',
        now: () => new Date(),
      },
      new Logger({ logLevel: 'SILENT' }),
    );
  const call = async (handler: ReturnType<typeof container>, apiKey: string, body: unknown) => {
    const commands: Command[] = [];
    const result = (await recorder.run(commands, () =>
      handler(
        apiEvent({
          method: 'POST',
          route: '/v1/events',
          headers: { authorization: `Bearer ${apiKey}` },
          body: body as object,
        }),
        lambdaContext('captureEvents'),
      ),
    )) as Exclude<APIGatewayProxyResultV2, string>;
    if (result.statusCode !== 202) throw new Error(`capture answered ${result.statusCode}: ${result.body}`);
    return commands;
  };
  return { db, capacity, container, call };
}

/**
 * The raw side: its own client, sending the commands one handler request sent, in the same order,
 * to the other copy's tables. A failed condition is an expected answer (as the store treats it).
 */
function rawSide(cloud: IsolatedCloud, tables: Map<string, string>) {
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const replay = async (commands: Command[]) => {
    for (const command of commands) {
      const input = command.input as Json;
      const copy = new (command.constructor as new (input: Json) => Command)({
        ...input,
        TableName: tables.get(String(input.TableName)),
      });
      try {
        await db.send(copy);
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
  };
  return { db, replay, tables: () => tables };
}

async function twoSides(bench: BenchCloud) {
  const [a, b] = [await bench.copy(), await bench.copy()];
  const handlerSide = captureSide(a);
  const tenants = new DynamoTenantStore(handlerSide.db, a.tables.TenantsTable as string);
  const tenant = await createTenant(
    {
      name: 'Bench',
      modules: ['ciam', 'container-security'],
      maxUsers: 1_000_000,
      region: 'DE',
      hostingServices: ['cvm'],
      openedAt: '2020-01-01T00:00:00Z',
    },
    tenants,
    new Date(),
  );
  await copyTable(handlerSide.db, a.tables.TenantsTable as string, b.tables.TenantsTable as string);
  const tables = new Map([
    [a.tables.TenantsTable as string, b.tables.TenantsTable as string],
    [a.tables.RecordsTable as string, b.tables.RecordsTable as string],
  ]);
  return { handlerSide, raw: rawSide(b, tables), apiKey: tenant.apiKey };
}

/** Write units per stored event, per type, through the handler (16 concurrent requests). */
export async function captureCost(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const { handlerSide, apiKey } = await twoSides(bench);
  const perType: Record<string, number[]> = {};
  const mixed: number[] = [];
  for (let rep = 0; rep < sizes.reps; rep++) {
    let units = 0;
    let events = 0;
    for (const type of recordTypes()) {
      const handler = handlerSide.container();
      handlerSide.capacity.reset();
      // New users every repetition: a registration of a known user is a failed guard, not a write.
      const first = (rep + 1) * 1_000_000;
      await pool(sizes.costEvents, 16, (i) =>
        handlerSide.call(handler, apiKey, event(type, first + i)).then(() => undefined),
      );
      const used = handlerSide.capacity.reset().write;
      perType[type] = [...(perType[type] ?? []), used / sizes.costEvents];
      units += used;
      events += sizes.costEvents;
    }
    mixed.push(units / events);
  }
  return [
    ...recordTypes().map((type) => ({
      figure: `capture cost: ${type}`,
      unit: 'WCU/event',
      value: summarise(perType[type] as number[]),
      goal: atMost(2),
    })),
    {
      figure: 'capture cost (mean of every type)',
      unit: 'WCU/event',
      value: summarise(mixed),
      goal: atMost(2),
      note: `${sizes.costEvents} events per type per repetition, 16 concurrent single-record requests`,
    },
  ];
}

/** Single-record requests, 16 concurrent: handler latency vs the same DynamoDB calls sent raw. */
export async function captureOverhead(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const { handlerSide, raw, apiKey } = await twoSides(bench);
  const handler = handlerSide.container();
  const ratios: number[] = [];
  const p50: { handler: number[]; raw: number[] } = { handler: [], raw: [] };
  const p99: { handler: number[]; raw: number[] } = { handler: [], raw: [] };
  // DynamoDB Local's JVM keeps getting faster for its first thousand or so requests, and the handler
  // side goes first in each repetition: one untimed repetition of both sides reaches steady state.
  for (let rep = -1; rep < sizes.reps; rep++) {
    const n = sizes.overheadRequests;
    const types = COST_TYPES;
    const sequences: Command[][] = new Array(n);
    const handlerMs: number[] = new Array(n);
    await pool(n, 16, async (i) => {
      const body = event(types[i % types.length] as string, i);
      const { ms, value } = await timed(() => handlerSide.call(handler, apiKey, body));
      handlerMs[i] = ms;
      sequences[i] = value;
    });
    const rawMs: number[] = new Array(n);
    await pool(n, 16, async (i) => {
      rawMs[i] = (await timed(() => raw.replay(sequences[i] as Command[]))).ms;
    });
    if (rep < 0) continue;
    p50.handler.push(quantile(handlerMs, 0.5));
    p50.raw.push(quantile(rawMs, 0.5));
    p99.handler.push(quantile(handlerMs, 0.99));
    p99.raw.push(quantile(rawMs, 0.99));
    ratios.push(quantile(handlerMs, 0.5) / quantile(rawMs, 0.5));
  }
  const note = `${sizes.overheadRequests} single-record requests (login, registration, admin) per repetition, 16 concurrent`;
  return [
    {
      figure: 'capture overhead p50 handler / raw',
      unit: '×',
      value: summarise(ratios),
      goal: atMost(1.25),
      note,
    },
    { figure: 'capture p50 handler', unit: 'ms', value: summarise(p50.handler) },
    { figure: 'capture p50 raw', unit: 'ms', value: summarise(p50.raw) },
    { figure: 'capture p99 handler', unit: 'ms', value: summarise(p99.handler) },
    { figure: 'capture p99 raw', unit: 'ms', value: summarise(p99.raw) },
  ];
}

/** 100-record requests against conditional writes and against BatchWriteItem of the items they stored, 4 requests in flight on each side. */
export async function batchCapture(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const { handlerSide, raw, apiKey } = await twoSides(bench);
  const handler = handlerSide.container();
  const recordsTable = [...raw.tables()].find(([from]) => from.includes('records'))?.[1];
  // The fair limit for exactly-once: conditional single-item writes of the same items, on a third copy.
  const conditional = await bench.copy();
  const conditionalDb = benchDb(conditional.endpoints.dynamodbEndpoint).db;
  const conditionalTable = conditional.tables.RecordsTable as string;
  const ratios: number[] = [];
  const conditionalRatios: number[] = [];
  const rates: { handler: number[]; raw: number[]; conditional: number[] } = {
    handler: [],
    raw: [],
    conditional: [],
  };
  const latency = { handler: [] as number[], conditional: [] as number[] };
  const batches = sizes.batchRequests;
  for (let rep = 0; rep < sizes.reps; rep++) {
    const bodies = Array.from({ length: batches }, (_, b) => ({
      events: Array.from({ length: 100 }, (_, i) => event(COST_TYPES[i % 3] as string, b * 100 + i)),
    }));
    const sent: Command[][] = new Array(batches);
    const handlerRun = await timed(() =>
      pool(batches, 4, async (b) => {
        const request = await timed(() => handlerSide.call(handler, apiKey, bodies[b]));
        sent[b] = request.value;
        latency.handler.push(request.ms);
      }),
    );
    // Every item the handler wrote (records, directory entries as they ended up, the day marker),
    // written raw with BatchWriteItem in chunks of 25, all chunks of a request at once.
    const records = sent.map((commands) =>
      commands.filter(isRecordPut).map((c) => (c.input as Json).Item as Json),
    );
    const items = await Promise.all(sent.map((commands) => writtenItems(handlerSide.db, commands)));
    const rawRun = await timed(() =>
      pool(batches, 4, async (b) => {
        const chunks = [];
        for (let i = 0; i < (items[b] as Json[]).length; i += 25)
          chunks.push((items[b] as Json[]).slice(i, i + 25));
        await Promise.all(chunks.map((chunk) => writeAll(raw.db, recordsTable as string, chunk)));
      }),
    );
    // The same items as conditional PutItem calls (each stored once, as exactly-once needs), 16 of
    // a request at once as capture stores them, 4 requests in flight.
    const conditionalRun = await timed(() =>
      pool(batches, 4, async (b) => {
        const list = items[b] as Json[];
        const request = await timed(() =>
          pool(list.length, 16, async (i) => {
            await conditionalDb.send(
              new PutCommand({
                TableName: conditionalTable,
                Item: list[i] as Json,
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            );
          }),
        );
        latency.conditional.push(request.ms);
      }),
    );
    const stored = records.reduce((sum, list) => sum + list.length, 0);
    if (stored !== batches * 100) throw new Error(`expected ${batches * 100} stored records, saw ${stored}`);
    rates.handler.push(stored / (handlerRun.ms / 1000));
    rates.raw.push(stored / (rawRun.ms / 1000));
    rates.conditional.push(stored / (conditionalRun.ms / 1000));
    ratios.push(handlerRun.ms > 0 ? rawRun.ms / handlerRun.ms : 0);
    conditionalRatios.push(handlerRun.ms > 0 ? conditionalRun.ms / handlerRun.ms : 0);
  }
  const note = `${batches} requests of 100 records (login, registration, admin) per repetition, 4 in flight on every side; the raw sides write every item the handler wrote (records, directory entries, day marker)`;
  return [
    {
      figure: 'batch capture handler / conditional writes items/s',
      unit: '×',
      value: summarise(conditionalRatios),
      goal: atLeast(0.8),
      note: `${note}: here as conditional PutItem calls, 16 of a request at once`,
    },
    {
      figure: 'batch capture handler / raw BatchWriteItem items/s',
      unit: '×',
      value: summarise(ratios),
      note: `${note}: here with BatchWriteItem (no condition possible, so no exactly-once)`,
    },
    { figure: 'batch capture handler', unit: 'items/s', value: summarise(rates.handler) },
    { figure: 'batch capture conditional writes', unit: 'items/s', value: summarise(rates.conditional) },
    { figure: 'batch capture raw BatchWriteItem', unit: 'items/s', value: summarise(rates.raw) },
    {
      figure: 'batch capture p50 of a 100-record request',
      unit: 'ms',
      value: summarise([quantile(latency.handler, 0.5)]),
    },
    {
      figure: 'batch capture p99 of a 100-record request',
      unit: 'ms',
      value: summarise([quantile(latency.handler, 0.99)]),
    },
    {
      figure: 'conditional writes p50 of a 100-record request',
      unit: 'ms',
      value: summarise([quantile(latency.conditional, 0.5)]),
    },
    {
      figure: 'conditional writes p99 of a 100-record request',
      unit: 'ms',
      value: summarise([quantile(latency.conditional, 0.99)]),
    },
  ];
}

const isRecordPut = (c: Command) =>
  c instanceof PutCommand && (c.input as Json).ConditionExpression === 'attribute_not_exists(pk)';

/** The items a request's writes left behind: what was put, and what updates made (read back). */
async function writtenItems(db: DynamoDBDocumentClient, commands: Command[]): Promise<Json[]> {
  const items = new Map<string, Json>();
  const updated: Json[] = [];
  for (const c of commands) {
    const input = c.input as Json;
    if (c instanceof PutCommand) {
      const item = input.Item as Json;
      items.set(`${item.pk}\n${item.sk}`, item);
    } else if (c instanceof UpdateCommand) updated.push(input.Key as Json);
  }
  const table = String(
    (commands.find((c) => c instanceof UpdateCommand)?.input as Json | undefined)?.TableName,
  );
  const unique = [...new Map(updated.map((k) => [`${k.pk}\n${k.sk}`, k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    const out = await db.send(
      new BatchGetCommand({ RequestItems: { [table]: { Keys: unique.slice(i, i + 100) } } }),
    );
    if (Object.keys(out.UnprocessedKeys ?? {}).length) throw new Error('read back was throttled');
    for (const item of out.Responses?.[table] ?? []) items.set(`${item.pk}\n${item.sk}`, item);
  }
  return [...items.values()];
}

async function writeAll(db: DynamoDBDocumentClient, table: string, items: Json[]): Promise<void> {
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  while (requests.length > 0) {
    const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
    requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
  }
}
