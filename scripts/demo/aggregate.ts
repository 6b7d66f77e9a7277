import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/emulators';
import { readRunningFile } from '#local/running';
import { resolveService } from '#local/template';
import { DynamoStatsStore } from '#store/stats';
import { DynamoTenantStore } from '#store/tenants';
import { parseAggregateArgs, USAGE, UsageError } from './aggregate-args.ts';

// `npm run aggregate -- --date 2026-11-30 [--tenant …]` (with `npm start` running): computes one
// day's statistics through the real path, as the 00:15 UTC schedule does: aggregateDailyStats
// enqueues one job per tenant, the stats queue's workers compute them; this waits for the result.
let request: ReturnType<typeof parseAggregateArgs>;
try {
  request = parseAggregateArgs(process.argv.slice(2), new Date());
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`npm run aggregate: ${error.message}\n${USAGE}`);
  process.exit(2);
}

const cloud = await readRunningFile();
if (!cloud) {
  console.error('npm run aggregate: the local cloud is not running; start it with `npm start`.');
  process.exit(1);
}
const service = await resolveService(cloud.stage);
const names = service.custom.names as Record<string, string>;
const base = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
const db = DynamoDBDocumentClient.from(new DynamoDBClient({ ...base, endpoint: cloud.dynamodbEndpoint }));
const tenants = new DynamoTenantStore(db, names.tenantsTable as string);
const stats = new DynamoStatsStore(db, names.recordsTable as string);
const sqs = new SQSClient({ ...base, endpoint: cloud.awsEndpoint });

const { date } = request;
let tenantIds = request.tenantIds;
if (tenantIds) {
  const unknown = [];
  for (const id of tenantIds) if (!(await tenants.get(id))) unknown.push(id);
  if (unknown.length > 0) {
    console.error(`npm run aggregate: no such tenant: ${unknown.join(', ')}`);
    process.exit(2);
  }
} else {
  tenantIds = [];
  for await (const page of tenants.tenantIds()) tenantIds.push(...page);
}
console.log(`aggregating ${date} for ${tenantIds.length} tenant(s) …`);

const lambda = new LambdaClient({ ...base, endpoint: cloud.lambdaEndpoint });
const invoked = await lambda.send(
  new InvokeCommand({
    FunctionName: `${service.service}-${cloud.stage}-aggregateDailyStats`,
    Payload: Buffer.from(JSON.stringify({ date, tenantIds })),
  }),
);
if (invoked.FunctionError) {
  console.error(`aggregateDailyStats failed: ${Buffer.from(invoked.Payload ?? []).toString()}`);
  process.exit(1);
}

const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.statsQueue }));
const queued = async () => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
};

// Done when the queue holds none of the jobs any more (each was computed or skipped); a job that
// failed stays in flight until its visibility timeout, so give up after a while.
const waitMs = Number(process.env.AGGREGATE_WAIT_SECONDS ?? 120) * 1000;
const started = Date.now();
for (let left = await queued(); left > 0 && Date.now() - started < waitMs; left = await queued()) {
  console.log(`  ${left} job(s) on the stats queue …`);
  await new Promise((r) => setTimeout(r, 1000));
}
const computed = new Set<string>();
for (const id of tenantIds) if ((await stats.rollups(id, date, date)).length > 0) computed.add(id);
const pending = await queued();
let failed = 0;
for (const id of tenantIds) {
  if (computed.has(id)) console.log(`${id}  computed`);
  else if (pending === 0) console.log(`${id}  skipped (${await whySkipped(id)})`);
  else {
    failed++;
    console.log(`${id}  not computed: its job failed and is retried after the queue's visibility timeout`);
  }
}
console.log(
  `${date}: ${computed.size} computed, ${tenantIds.length - computed.size - failed} skipped, ${failed} not computed`,
);
process.exit(failed > 0 ? 1 : 0);

/** Why the worker computes nothing for a tenant: the same conditions it checks. */
async function whySkipped(id: string): Promise<string> {
  const tenant = await tenants.get(id);
  if (!tenant?.modules.includes('ciam') || tenant.terminations.ciam) return 'it does not use CIAM (any more)';
  if (date < tenant.openedAt.slice(0, 10)) return `${date} is before it opened`;
  return 'no statistics were written';
}
