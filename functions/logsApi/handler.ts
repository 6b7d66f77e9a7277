import { authenticateTenant } from '#http/auth';
import { readJsonBody } from '#http/body';
import { functionLogger, type HttpRoute, httpRoutes } from '#http/handler';
import { json } from '#http/problem';
import { documentClient, s3Client, sqsClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { NotFound } from '#shared/errors';
import { secretFromEnv } from '#shared/secrets';
import { S3ExportLinks } from '#store/export-links';
import { DynamoLogExports } from '#store/exports';
import { DynamoLogReader } from '#store/log-reads';
import { NamedQueue } from '#store/queue';
import { DynamoReadAudit } from '#store/read-audit';
import { DynamoTenantStore } from '#store/tenants';
import { readAudited } from './audit.ts';
import { logCatalog } from './catalog.ts';
import { exportStatus, requestExport } from './exports.ts';
import { isLogName, type LogName } from './logs.ts';
import { parseLogQuery } from './query.ts';

const db = documentClient();
const records = requireEnv('RECORDS_TABLE');
const tenants = new DynamoTenantStore(db, requireEnv('TENANTS_TABLE'));
const reads = new DynamoReadAudit(db, records);
const deps = {
  reader: new DynamoLogReader(db, records),
  cursorKey: secretFromEnv('LOGS_CURSOR_KEY'),
  audit: reads,
  now: () => new Date(),
};
const exportDeps = {
  exports: new DynamoLogExports(db, records),
  links: new S3ExportLinks(s3Client(), requireEnv('DATA_BUCKET')),
  queue: new NamedQueue(sqsClient(), requireEnv('EXPORT_QUEUE_NAME')),
  audit: reads,
  now: () => new Date(),
};

const ROUTES: Record<string, LogName> = {
  '/v1/logs/admin-actions': 'admin-actions',
  '/v1/logs/user-operations': 'user-operations',
  '/v1/logs/api-invocations': 'api-invocations',
  '/v1/logs/security': 'security',
};

const query = (path: string, log: LogName): HttpRoute => ({
  method: 'GET',
  path,
  handler: async (event) => {
    const tenant = await authenticateTenant(event, tenants);
    const query = parseLogQuery(log, event.queryStringParameters);
    // Audited before it is returned: a read whose audit record cannot be written fails (audit.ts).
    const { cost: _cost, ...body } = await readAudited({ tenant, query }, deps);
    return json(200, body);
  },
});

/**
 * The tenant's logs (tenant key): which it may read, one query route per log, newest first, with an opaque cursor;
 * exports of a query to S3, and their status.
 */
export const handler = httpRoutes(functionLogger(), [
  {
    method: 'GET',
    path: '/v1/logs',
    handler: async (event) => json(200, logCatalog(await authenticateTenant(event, tenants))),
  },
  ...Object.entries(ROUTES).map(([path, log]) => query(path, log)),
  {
    method: 'POST',
    path: '/v1/logs/{log}/exports',
    handler: async (event) => {
      const tenant = await authenticateTenant(event, tenants);
      const log = event.pathParameters?.log;
      if (!isLogName(log)) throw new NotFound(`There is no log ${JSON.stringify(String(log).slice(0, 64))}.`);
      return json(202, await requestExport({ tenant, log, body: readJsonBody(event) }, exportDeps));
    },
  },
  {
    method: 'GET',
    path: '/v1/logs/exports/{id}',
    handler: async (event) => {
      const tenant = await authenticateTenant(event, tenants);
      return json(200, await exportStatus({ tenant, exportId: event.pathParameters?.id }, exportDeps));
    },
  },
]);
