import { requireOperator } from '#http/auth';
import { readJsonBody } from '#http/body';
import { functionLogger, type HttpEvent, httpRoutes } from '#http/handler';
import { json, notFound } from '#http/problem';
import { sweepOverdueAlarmSeconds } from '#policy/index';
import { documentClient, s3Client, sqsClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { secretFromEnv } from '#shared/secrets';
import { addDays, utcDay } from '#shared/time';
import { DynamoHoldStore } from '#store/holds';
import { DynamoErasureJobs, DynamoTerminationJobs } from '#store/jobs';
import { S3ObjectArchive } from '#store/objects';
import { DynamoPolicyState } from '#store/policy-state';
import type { Tenant } from '#store/ports';
import { NamedQueue } from '#store/queue';
import { DynamoReadAudit } from '#store/read-audit';
import { DynamoStatsStore } from '#store/stats';
import { DynamoSweepLog } from '#store/sweeps';
import { DynamoTenantStore } from '#store/tenants';
import { tenantErasures } from './erasures.ts';
import { placeHold, releaseHold } from './holds.ts';
import { endHosting, startHosting } from './hosting.ts';
import { listTenants, type PlanUsage, tenantListQuery } from './list.ts';
import { logReads } from './log-reads.ts';
import { reconciliationStatus } from './reconciliations.ts';
import { recentSweeps, runsLimit } from './sweeps.ts';
import { createTenant, hostingServiceOf, readTenant, revokeKey, rotateKey } from './tenants.ts';
import { modulesToTerminate, requestTermination, terminationStatus } from './terminations.ts';

const logger = functionLogger();
const db = documentClient();
const [tenantsTable, recordsTable] = [requireEnv('TENANTS_TABLE'), requireEnv('RECORDS_TABLE')];
const tenants = new DynamoTenantStore(db, tenantsTable);
const terminations = {
  tenants,
  jobs: new DynamoTerminationJobs(db, tenantsTable),
  hooks: new NamedQueue(sqsClient(), requireEnv('TERMINATION_QUEUE_NAME')),
  receipts: new S3ObjectArchive(db, recordsTable, s3Client(), requireEnv('DATA_BUCKET')),
};
const sweeps = new DynamoSweepLog(db, tenantsTable);
const policyState = new DynamoPolicyState(db, tenantsTable);
const holdDeps = {
  holds: new DynamoHoldStore(db, recordsTable),
  terminations: terminations.jobs,
  erasures: new DynamoErasureJobs(db, tenantsTable),
  hooks: terminations.hooks,
  erasureRequests: new NamedQueue(sqsClient(), requireEnv('ERASURE_QUEUE_NAME')),
};
const operatorKey = secretFromEnv('OPERATOR_KEY');
const stats = new DynamoStatsStore(db, recordsTable);
const reads = new DynamoReadAudit(db, recordsTable);

/**
 * A tenant's plan usage on its latest computed day (yesterday or the day before), for the
 * operator's tenant list; none once CIAM is terminated (its statistics are past their deadline).
 */
async function planUsage(tenant: Tenant): Promise<PlanUsage | undefined> {
  if (!tenant.modules.includes('ciam') || tenant.terminations.ciam) return undefined;
  const today = utcDay(new Date());
  const [latest] = (await stats.snapshots(tenant.id, addDays(today, -2), addDays(today, -1))).reverse();
  const usage = latest?.resourceUsage as Omit<PlanUsage, 'date'> | undefined;
  return latest && usage
    ? {
        date: String(latest.date),
        monthlyActiveUsers: usage.monthlyActiveUsers,
        usageStatus: usage.usageStatus,
      }
    : undefined;
}

/** Longest id the API ever issues, with room to spare: a longer one names nothing (and exceeds key limits). */
const MAX_ID_BYTES = 256;
const param = (event: HttpEvent, name: string) => {
  const value = event.pathParameters?.[name] ?? '';
  if (Buffer.byteLength(value) > MAX_ID_BYTES)
    throw notFound(`No ${name} is longer than ${MAX_ID_BYTES} bytes.`);
  return value;
};
const tenantOf = (event: HttpEvent) => readTenant(param(event, 'id'), tenants);

/** The operator's API (tenants, hosting, terminations, erasures, log-read audit, sweep and reconciliation status): every route needs the operator key. */
export const handler = httpRoutes(
  logger,
  [
    {
      method: 'POST',
      path: '/v1/tenants',
      handler: async (event) => {
        const created = await createTenant(readJsonBody(event), tenants, new Date());
        logger.info('tenant created', { tenantId: created.id, modules: created.modules });
        return json(201, created, { location: `/v1/tenants/${created.id}` });
      },
    },
    {
      method: 'GET',
      path: '/v1/tenants',
      handler: async (event) =>
        json(200, await listTenants(tenantListQuery(event.queryStringParameters), tenants, planUsage)),
    },
    { method: 'GET', path: '/v1/tenants/{id}', handler: async (event) => json(200, await tenantOf(event)) },
    {
      method: 'POST',
      path: '/v1/tenants/{id}/keys',
      handler: async (event) => {
        const key = await rotateKey(param(event, 'id'), tenants, new Date());
        logger.info('api key issued', { tenantId: key.tenantId, keyId: key.keyId });
        return json(201, key);
      },
    },
    {
      method: 'DELETE',
      path: '/v1/tenants/{id}/keys/{keyId}',
      handler: async (event) => {
        await revokeKey(param(event, 'id'), param(event, 'keyId'), tenants);
        logger.info('api key revoked', { tenantId: param(event, 'id'), keyId: param(event, 'keyId') });
        return { statusCode: 204, headers: { 'cache-control': 'no-store' } };
      },
    },
    {
      method: 'PUT',
      path: '/v1/tenants/{id}/hosting/{service}',
      handler: async (event) => {
        const tenant = await tenantOf(event);
        return json(200, await startHosting(tenant, hostingServiceOf(param(event, 'service')), terminations));
      },
    },
    {
      method: 'DELETE',
      path: '/v1/tenants/{id}/hosting/{service}',
      handler: async (event) => {
        const tenant = await tenantOf(event);
        const ended = await endHosting(
          tenant,
          hostingServiceOf(param(event, 'service')),
          terminations,
          new Date(),
        );
        if (ended.termination) logger.info('hosting ended: termination requested', { tenantId: tenant.id });
        return json(200, ended);
      },
    },
    {
      method: 'POST',
      path: '/v1/tenants/{id}/holds',
      handler: async (event) => {
        const hold = await placeHold(await tenantOf(event), readJsonBody(event), holdDeps, new Date());
        logger.info('legal hold placed', {
          tenantId: hold.tenantId,
          holdId: hold.holdId,
          categories: hold.categories,
        });
        return json(201, hold, { location: `/v1/tenants/${hold.tenantId}/holds/${hold.holdId}` });
      },
    },
    {
      method: 'GET',
      path: '/v1/tenants/{id}/holds',
      handler: async (event) => {
        const tenant = await tenantOf(event);
        return json(200, { tenantId: tenant.id, holds: await holdDeps.holds.list(tenant.id, new Date()) });
      },
    },
    {
      method: 'DELETE',
      path: '/v1/tenants/{id}/holds/{holdId}',
      handler: async (event) => {
        const tenant = await tenantOf(event);
        const body = event.body ? readJsonBody(event) : { releasedBy: 'operator' };
        const hold = await releaseHold(tenant, param(event, 'holdId'), body, holdDeps, new Date());
        logger.info('legal hold released', { tenantId: tenant.id, holdId: hold.holdId });
        return json(200, hold);
      },
    },
    {
      method: 'POST',
      path: '/v1/tenants/{id}/termination',
      handler: async (event) => {
        const tenant = await tenantOf(event);
        const requested = await requestTermination(
          tenant,
          modulesToTerminate(readJsonBody(event)),
          terminations,
          new Date(),
        );
        logger.info('termination requested', {
          tenantId: tenant.id,
          modules: requested.modules.map((m) => m.module),
        });
        return json(202, requested);
      },
    },
    {
      method: 'GET',
      path: '/v1/tenants/{id}/termination',
      handler: async (event) =>
        json(200, await terminationStatus(param(event, 'id'), terminations, new Date())),
    },
    {
      method: 'GET',
      path: '/v1/tenants/{id}/log-reads',
      handler: async (event) =>
        json(200, await logReads(await tenantOf(event), event.queryStringParameters, reads, new Date())),
    },
    {
      method: 'GET',
      path: '/v1/tenants/{id}/erasures',
      handler: async (event) =>
        json(
          200,
          await tenantErasures(
            await tenantOf(event),
            { jobs: holdDeps.erasures, receipts: terminations.receipts },
            new Date(),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/v1/ops/sweeps',
      handler: async (event) =>
        json(200, {
          ...(await recentSweeps(runsLimit(event.queryStringParameters), sweeps, new Date())),
          alarm: { oldestOverdueSeconds: sweepOverdueAlarmSeconds() },
        }),
    },
    {
      method: 'GET',
      path: '/v1/ops/reconciliations',
      handler: async () => json(200, await reconciliationStatus(policyState)),
    },
  ],
  {
    before: async (request) => {
      requireOperator(request.event, await operatorKey());
    },
  },
);
