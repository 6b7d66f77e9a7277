import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { demoTraffic } from './traffic.ts';

// `npm run seed` (with `npm start` running): a demo tenant with a month of traffic, its statistics
// computed through the real scheduled path (aggregateDailyStats -> stats queue -> worker), and the
// console URL to look at them.
const http = `http://127.0.0.1:${process.env.HTTP_PORT ?? 3000}`;
const lambdaEndpoint = `http://127.0.0.1:${process.env.LAMBDA_PORT ?? 3002}`;
const operatorKey = process.env.OPERATOR_KEY ?? 'local-operator-key';
const DAYS = 30;
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

async function call(
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${http}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

const openedAt = new Date(Date.parse(`${yesterday}T00:00:00Z`) - (DAYS - 1) * 86_400_000).toISOString();
const tenant = await call('/v1/tenants', operatorKey, {
  name: 'Demo tenant',
  modules: ['ciam'],
  maxUsers: 200,
  region: 'DE',
  openedAt,
});
if (tenant.status !== 201)
  throw new Error(
    `Is \`npm start\` running? Creating the tenant answered ${tenant.status}: ${JSON.stringify(tenant.body)}`,
  );
const { id: tenantId, apiKey } = tenant.body as { id: string; apiKey: string };
console.log(`created demo tenant ${tenantId}`);

// Progress on one line where the output is a terminal, a line per tenth otherwise (logs, CI).
const progress = (line: string, last: boolean) => {
  if (process.stdout.isTTY) process.stdout.write(`\r${line}${last ? '\n' : ''}`);
  else console.log(line);
};
const records = demoTraffic(yesterday, DAYS);
const tenth = Math.max(25, Math.ceil(records.length / 250) * 25);
for (let i = 0; i < records.length; i += 25) {
  const sent = await call('/v1/events', apiKey, { events: records.slice(i, i + 25) });
  if (sent.status !== 202) throw new Error(`Capture answered ${sent.status}: ${JSON.stringify(sent.body)}`);
  const done = Math.min(i + 25, records.length);
  if (done === records.length || done % tenth === 0 || process.stdout.isTTY)
    progress(`capturing ${done}/${records.length} records`, done === records.length);
}
console.log(`captured ${records.length} records over ${DAYS} days for tenant ${tenantId}`);
console.log(`computing the statistics of ${DAYS} days (aggregateDailyStats -> stats queue -> worker) …`);

const lambda = new LambdaClient({
  endpoint: lambdaEndpoint,
  region: 'eu-central-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const invoked = await lambda.send(
  new InvokeCommand({
    FunctionName: `ciam-data-lifecycle-${process.env.STAGE ?? 'local'}-aggregateDailyStats`,
    Payload: Buffer.from(JSON.stringify({ date: yesterday, tenantIds: [tenantId] })),
  }),
);
if (invoked.FunctionError)
  throw new Error(`aggregateDailyStats failed: ${Buffer.from(invoked.Payload ?? []).toString()}`);

const deadline = Date.now() + 90_000;
const waitStarted = Date.now();
for (let polls = 1; ; polls++) {
  const stats = await call(`/v1/stats?date=${yesterday}`, apiKey);
  if (stats.status === 200) break;
  if (polls % 10 === 0) console.log(`  still computing … ${Math.round((Date.now() - waitStarted) / 1000)} s`);
  if (Date.now() > deadline)
    throw new Error(`statistics of ${yesterday} not computed after 90 s: ${JSON.stringify(stats.body)}`);
  await new Promise((r) => setTimeout(r, 500));
}
console.log(`statistics computed up to ${yesterday}`);
console.log(`console:  ${http}/console`);
console.log(`tenantId: ${tenantId}`);
console.log(`apiKey:   ${apiKey}`);
