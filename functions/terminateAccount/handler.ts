import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { type ModuleId, POLICY } from '#policy/index';
import { requireEnv } from '#shared/config';
import { NamedQueue } from '#store/queue';
import { TenantDataStore } from '#store/tenant-data';
import { DynamoTenantStore } from '#store/tenants';
import { DynamoTerminationStore } from '#store/terminations';
import { eraseUser } from './erase.ts';
import { terminate } from './terminate.ts';

const logger = new Logger();
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const hooks = new NamedQueue(sqs, requireEnv('TERMINATION_QUEUE_NAME'));
const tenantsTable = requireEnv('TENANTS_TABLE');
const stores = {
  tenants: new DynamoTenantStore(db, tenantsTable),
  terminations: new DynamoTerminationStore(db, tenantsTable),
  data: new TenantDataStore(
    db,
    requireEnv('RECORDS_TABLE'),
    new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true' }),
    requireEnv('DATA_BUCKET'),
  ),
};
const captureSettleMs = (Number(requireEnv('CAPTURE_TIMEOUT_SECONDS')) + 5) * 1000;
const processor = new BatchProcessor(EventType.SQS);

/** A termination hook {tenantId, module, requestedAt}; anything else is poison and ends in the DLQ. */
function parseHook(record: SQSRecord) {
  const hook = JSON.parse(record.body) as { tenantId?: unknown; module?: unknown; requestedAt?: unknown };
  const valid =
    typeof hook.tenantId === 'string' &&
    typeof hook.module === 'string' &&
    Object.hasOwn(POLICY.modules, hook.module) &&
    typeof hook.requestedAt === 'string' &&
    !Number.isNaN(Date.parse(hook.requestedAt));
  if (!valid) throw new Error(`message ${record.messageId} is not a termination hook`);
  return hook as { tenantId: string; module: ModuleId; requestedAt: string };
}

/** A per-user erasure {kind: 'erasure', tenantId, userId, requestedAt}, sent by the erasure API. */
function parseErasure(body: Record<string, unknown>, messageId: string) {
  if (
    typeof body.tenantId !== 'string' ||
    typeof body.userId !== 'string' ||
    typeof body.requestedAt !== 'string'
  ) {
    throw new Error(`message ${messageId} is not an erasure request`);
  }
  return { tenantId: body.tenantId, userId: body.userId, requestedAt: body.requestedAt };
}

async function handleHook(record: SQSRecord, context: Context): Promise<void> {
  const remainingMs = () => context.getRemainingTimeInMillis();
  const body = JSON.parse(record.body) as Record<string, unknown>;
  let outcome: string;
  if (body.kind === 'erasure') {
    const erasure = parseErasure(body, record.messageId);
    outcome = await eraseUser(erasure, { ...stores, now: () => new Date(), remainingMs });
    logger.info('erasure step', { tenantId: erasure.tenantId, outcome });
  } else {
    const hook = parseHook(record);
    outcome = await terminate(hook, { ...stores, now: () => new Date(), captureSettleMs, remainingMs });
    logger.info('termination step', { tenantId: hook.tenantId, module: hook.module, outcome });
  }
  // Not finished in this invocation (or another run holds the job): hand the rest to a fresh one.
  if (outcome === 'continue' || outcome === 'busy') {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: await hooks.url(),
        MessageBody: record.body,
        DelaySeconds: outcome === 'busy' ? 60 : 0,
      }),
    );
  }
}

/** Consumes termination hooks; each message is settled alone (ReportBatchItemFailures). */
export const handler = middy<SQSEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event, context) =>
    processPartialResponse(event, (record: SQSRecord) => handleHook(record, context), processor, { context }),
  );
