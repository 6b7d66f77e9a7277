import { authenticateTenant } from '#http/auth';
import { functionLogger, httpRoutes } from '#http/handler';
import { json } from '#http/problem';
import { documentClient } from '#shared/aws';
import { requireEnv } from '#shared/config';
import { DynamoStatsStore } from '#store/stats';
import { DynamoTenantStore } from '#store/tenants';
import { consolePage } from './console.ts';
import { opsPage } from './ops.ts';
import { dateParameter, statsOfDay, statsOfRange } from './stats.ts';

const db = documentClient();
const tenants = new DynamoTenantStore(db, requireEnv('TENANTS_TABLE'));
const deps = { stats: new DynamoStatsStore(db, requireEnv('RECORDS_TABLE')), now: () => new Date() };

/** The tenant's console statistics (tenant key), the console page and the operator console page. */
export const handler = httpRoutes(functionLogger(), [
  {
    method: 'GET',
    path: '/v1/stats',
    handler: async (event) => {
      const tenant = await authenticateTenant(event, tenants);
      const date = dateParameter(event.queryStringParameters, 'date');
      return json(200, await statsOfDay({ tenant, date }, deps));
    },
  },
  {
    method: 'GET',
    path: '/v1/stats/range',
    handler: async (event) => {
      const tenant = await authenticateTenant(event, tenants);
      const query = event.queryStringParameters;
      const range = { from: dateParameter(query, 'from'), to: dateParameter(query, 'to') };
      return json(200, await statsOfRange({ tenant, ...range }, deps));
    },
  },
  { method: 'GET', path: '/console', handler: async () => consolePage() },
  { method: 'GET', path: '/ops', handler: async () => opsPage() },
]);
