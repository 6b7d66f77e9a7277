import { authenticateTenant } from '#http/auth';
import { functionLogger, type HttpRoute, httpRoutes } from '#http/handler';
import { json } from '#http/problem';
import { documentClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { secretFromEnv } from '#shared/secrets';
import { DynamoLogReader } from '#store/log-reads';
import { DynamoTenantStore } from '#store/tenants';
import type { LogName } from './logs.ts';
import { parseLogQuery, readLog } from './query.ts';

const db = documentClient();
const tenants = new DynamoTenantStore(db, requireEnv('TENANTS_TABLE'));
const deps = {
  reader: new DynamoLogReader(db, requireEnv('RECORDS_TABLE')),
  cursorKey: secretFromEnv('LOGS_CURSOR_KEY'),
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
    const page = await readLog({ tenant, query: parseLogQuery(log, event.queryStringParameters) }, deps);
    const { cost: _cost, ...body } = page;
    return json(200, body);
  },
});

/** The tenant's logs (tenant key): one query route per log, newest first, with an opaque cursor. */
export const handler = httpRoutes(
  functionLogger(),
  Object.entries(ROUTES).map(([path, log]) => query(path, log)),
);
