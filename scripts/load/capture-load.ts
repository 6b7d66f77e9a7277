import { execFileSync } from 'node:child_process';
import { DynamoDBClient, ListTablesCommand, paginateScan } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators';
import { startLocalCloud } from '#test/local-cloud-process';

// `npm run test:load [-- --short]`: a bounded load test of capture through serverless-offline's HTTP
// API of `npm start`, on loopback only. A fixed number of requests at a fixed rate (each a batch of
// logins, some resent as a client retrying would), then: no error answer, every record stored exactly
// once, and the local cloud's memory flat (the last third of the run no higher than the first third
// plus a bounded margin). It reports throughput but asserts no timing.

const short = process.argv.includes('--short');
const SECONDS = short ? 30 : 180;
const RATE = short ? 4 : 8; // requests per second
const RECORDS_PER_REQUEST = 10;
const RESEND_EVERY = 20; // every 20th request resends the batch before it
const MEMORY_MARGIN_MB = 150;
const MAX_IN_FLIGHT = 4;
const WARM_UP_ROUNDS = 2;
const TOTAL = SECONDS * RATE;
const operatorKey = process.env.OPERATOR_KEY ?? 'local-operator-key';

const cloud = await startLocalCloud();
const failures: string[] = [];
try {
  const base = new URL(cloud.base);
  if (!['127.0.0.1', '::1', 'localhost'].includes(base.hostname))
    throw new Error(`the load test runs on loopback only, not ${base.hostname}`);
  const post = async (path: string, key: string, body: unknown) => {
    const response = await fetch(new URL(path, base), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const tenant = await post('/v1/tenants', operatorKey, {
    name: 'Load test',
    modules: ['ciam'],
    maxUsers: 100_000,
    region: 'DE',
  });
  if (tenant.status !== 201) throw new Error(`creating the tenant answered ${tenant.status}`);
  const { id: tenantId, apiKey } = tenant.body as { id: string; apiKey: string };

  const batch = (n: number) =>
    Array.from({ length: RECORDS_PER_REQUEST }, (_, i) => ({
      id: `load-${n}-${i}`,
      type: 'user.login',
      occurredAt: new Date().toISOString(),
      userId: `user-${(n * RECORDS_PER_REQUEST + i) % 5000}`,
      clientIp: '203.0.113.7',
      country: 'DE',
    }));
  // Warm-up (not counted): the first invocations load the bundles into their instances.
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    await Promise.all(
      Array.from({ length: MAX_IN_FLIGHT }, (_, w) =>
        post('/v1/events', apiKey, {
          events: batch(0).map((e) => ({ ...e, id: `warm-${round}-${w}-${e.id}` })),
        }),
      ),
    );
  }
  const sent = new Map<number, ReturnType<typeof batch>>();
  const outcomes = { stored: 0, duplicate: 0 };
  const memory: number[] = [];
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (let n = 0; n < TOTAL; n++) {
    // A fixed rate: request n leaves at n / RATE seconds (or as soon as the previous ones allow).
    const due = started + (n * 1000) / RATE;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    if (n % RATE === 0) memory.push(rssMb(cloud.pid));
    const resend = n > 0 && n % RESEND_EVERY === 0;
    // A resend repeats the previous request's batch (never itself a resend), as a retrying client would.
    const events = resend ? (sent.get(n - 1) as ReturnType<typeof batch>) : batch(n);
    if (!resend) sent.set(n, events);
    const request = post('/v1/events', apiKey, { events })
      .then(({ status, body }) => {
        if (status !== 202) failures.push(`request ${n}: ${status} ${JSON.stringify(body).slice(0, 200)}`);
        for (const r of (body.results ?? []) as Array<{ outcome: 'stored' | 'duplicate' }>)
          outcomes[r.outcome]++;
      })
      .catch((error: Error) => {
        failures.push(`request ${n}: ${error.message}`);
      });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    // A few at once: each concurrent request is a Lambda instance of its own (a worker thread here).
    if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const elapsed = (Date.now() - started) / 1000;

  const unique = sent.size * RECORDS_PER_REQUEST;
  const stored = await storedLogins(cloud.ports.dynamodb, tenantId);
  if (stored.total !== unique)
    failures.push(`${stored.total} records stored, ${unique} sent (lost or doubled)`);
  if (stored.distinct !== stored.total)
    failures.push(`${stored.total - stored.distinct} records stored twice`);
  if (outcomes.stored !== unique)
    failures.push(`${outcomes.stored} answered stored, ${unique} unique records sent`);

  const third = Math.max(1, Math.floor(memory.length / 3));
  const first = median(memory.slice(0, third));
  const last = median(memory.slice(-third));
  if (last > first + MEMORY_MARGIN_MB)
    failures.push(`memory grew from ${first} MB to ${last} MB (more than ${MEMORY_MARGIN_MB} MB)`);

  console.log(
    JSON.stringify({
      requests: TOTAL,
      records: TOTAL * RECORDS_PER_REQUEST,
      uniqueRecords: unique,
      outcomes,
      storedRecords: stored.total,
      seconds: Math.round(elapsed),
      requestsPerSecond: Math.round((TOTAL / elapsed) * 10) / 10,
      memoryMb: { first, last, samples: memory.length },
      failures: failures.length,
    }),
  );
} finally {
  await cloud.interrupt();
}
if (failures.length > 0) {
  console.error(failures.slice(0, 20).join('\n'));
  process.exit(1);
}

/** Resident memory of the local cloud (every process of its process group), in MB. */
function rssMb(pgid: number | undefined): number {
  const out = execFileSync('ps', ['-eo', 'pgid=,rss='], { encoding: 'utf8' });
  let kb = 0;
  for (const line of out.trim().split('\n')) {
    const [group, rss] = line.trim().split(/\s+/).map(Number);
    if (group === pgid) kb += rss ?? 0;
  }
  return Math.round(kb / 1024);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The load tenant's login records in the local records table (a test-only full read). */
async function storedLogins(port: number, tenantId: string) {
  const db = new DynamoDBClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: `http://127.0.0.1:${port}`,
  });
  const { TableNames = [] } = await db.send(new ListTablesCommand({}));
  const table = TableNames.find((name) => /records/i.test(name));
  if (!table) throw new Error(`no records table among ${TableNames.join(', ')}`);
  const ids: string[] = [];
  for await (const page of paginateScan({ client: db }, { TableName: table, ConsistentRead: true })) {
    // Records are keyed by id alone (sk = id); day buckets and index entries carry no `id`.
    for (const item of page.Items ?? [])
      if (
        item.tenantId?.S === tenantId &&
        item.category?.S === 'user-operation-log' &&
        item.id?.S?.startsWith('load-')
      )
        ids.push(item.id?.S ?? '');
  }
  db.destroy();
  return { total: ids.length, distinct: new Set(ids).size };
}
