import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '#local/ports';
import { DynamoTenantStore } from '#store/tenants';
import { type ApiResponse, apiEvent, lambdaContext, readResponse } from '#test/api-events';
import {
  type Api,
  capture,
  createTenant,
  eraseUserNow,
  loadHttpFunctions,
  OPERATOR_KEY,
} from '#test/functions';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';
import { validRecord } from '#test/records';
import { auth0Request, fixtureText, keycloakRequest, sourcesApiOn } from '#test/sources';
import { aggregationDeps, captureDeps } from '#test/stores';
import { runSweep, sweepStores } from '#test/sweep';
import { aggregateTenantDay } from '../../functions/aggregateTenantDay/aggregate.ts';
import { captureHttpHandler } from '../../functions/captureEvents/http.ts';
import { handler as health } from '../../functions/health/handler.ts';

type Operation = {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
};
const doc = load(readFileSync(resolve(import.meta.dirname, '../../docs/openapi.yaml'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { responses: Record<string, { content: Record<string, { schema: unknown }> }> };
};
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const documented = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .flatMap(([method, op]) =>
      Object.keys(op.responses).map((status) => `${method.toUpperCase()} ${path} ${status}`),
    ),
);

const ajv = new Ajv2020({ strict: false, allErrors: true });
(formats as unknown as { default: (a: Ajv2020) => void }).default(ajv);
ajv.addSchema(doc, 'openapi');

const pointer = (...segments: string[]) =>
  segments
    .map((segment) => encodeURIComponent(segment.replaceAll('~', '~0').replaceAll('/', '~1')))
    .join('/');

/** The documented media type of one response, and a reference to its body schema inside the document. */
function documentedResponse(method: string, path: string, status: string) {
  let base = ['paths', path, method.toLowerCase(), 'responses', status];
  let response = doc.paths[path]?.[method.toLowerCase()]?.responses[status];
  if (response?.$ref) {
    const name = response.$ref.split('/').pop() as string;
    base = ['components', 'responses', name];
    response = doc.components.responses[name];
  }
  const mediaType = Object.keys(response?.content ?? {})[0];
  return {
    mediaType,
    schemaRef: mediaType ? `openapi#/${pointer(...base, 'content', mediaType, 'schema')}` : undefined,
  };
}

const operator = { authorization: `Bearer ${OPERATOR_KEY}` };

// The API document is a contract: every route and status it names is produced here by the real
// handler, and each body is validated against the documented schema.
describe('the OpenAPI document', () => {
  let cloud: IsolatedCloud;
  let api: Api;
  let tenant: { id: string; apiKey: string; keyId: string };
  let scenarios: Record<string, () => Promise<ApiResponse>>;

  beforeAll(async () => {
    cloud = await isolatedCloud();
    api = await loadHttpFunctions(cloud);
    tenant = await createTenant(api, { openedAt: new Date(Date.now() - 2 * 86_400_000).toISOString() });
    const terminated = await createTenant(api, { modules: ['ciam'] });
    await cloud.clients.dynamodb.send(
      new (await import('@aws-sdk/client-dynamodb')).UpdateItemCommand({
        TableName: cloud.tables.TenantsTable,
        Key: { pk: { S: `TENANT#${terminated.id}` }, sk: { S: 'PROFILE' } },
        UpdateExpression: 'SET #s = :t',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':t': { S: 'terminating' } },
      }),
    );
    // A capture handler whose store does not answer: a closed local port.
    const deadDb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: `http://127.0.0.1:${await freePort()}`, maxAttempts: 1 }),
    );
    const unavailable = captureHttpHandler(
      {
        ...captureDeps(cloud, deadDb),
        tenants: new DynamoTenantStore(deadDb, 'none'),
      },
      new Logger({ logLevel: 'SILENT' }),
    );
    // One computed day: a registration yesterday, aggregated.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await capture(
      api,
      tenant.apiKey,
      validRecord('user.registered', { occurredAt: `${yesterday}T12:00:00Z` }),
    );
    await aggregateTenantDay(tenant.id, yesterday, aggregationDeps(cloud));
    const stats = (route: string, query: Record<string, string>, key = tenant.apiKey) =>
      api.statsApi({ method: 'GET', route, query, headers: { authorization: `Bearer ${key}` } });
    const today = new Date().toISOString().slice(0, 10);
    const logs = (log: string, query: Record<string, string>, key = tenant.apiKey) =>
      api.logsApi({
        method: 'GET',
        route: `/v1/logs/${log}`,
        query,
        headers: { authorization: `Bearer ${key}` },
      });
    const ciamOnly = await createTenant(api, { modules: ['ciam'] });
    const exportOf = (log: string, body: object, key = tenant.apiKey) =>
      api.logsApi({
        method: 'POST',
        route: '/v1/logs/{log}/exports',
        pathParameters: { log },
        headers: { authorization: `Bearer ${key}` },
        body,
      });
    const exportStatus = (id: string, key = tenant.apiKey) =>
      api.logsApi({
        method: 'GET',
        route: '/v1/logs/exports/{id}',
        pathParameters: { id },
        headers: { authorization: `Bearer ${key}` },
      });
    const securityOnly = await createTenant(api, { modules: ['container-security'] });
    // One record of each log, so every 200 carries an item.
    await capture(api, tenant.apiKey, {
      events: ['admin.action', 'api.invocation', 'security.container_event'].map((type) => validRecord(type)),
    });

    const erasureByBody = (body: object, key = tenant.apiKey) =>
      api.erasureApi({
        method: 'POST',
        route: '/v1/erasures',
        headers: { authorization: `Bearer ${key}` },
        body,
      });
    const tenantRoute = (
      method: string,
      route: string,
      pathParameters: Record<string, string>,
      headers = operator,
    ) => api.tenantsApi({ method, route, pathParameters, headers });

    scenarios = {
      'GET /v1/health 200': async () => readResponse(await health({}, lambdaContext())),
      'GET /v1/policy 200': () => api.policyApi({ method: 'GET', route: '/v1/policy' }),
      'GET /v1/policy 304': async () => {
        const { headers } = await api.policyApi({ method: 'GET', route: '/v1/policy' });
        return api.policyApi({
          method: 'GET',
          route: '/v1/policy',
          headers: { 'if-none-match': headers.etag ?? '' },
        });
      },
      'POST /v1/events 202': () => capture(api, tenant.apiKey, validRecord('user.login')),
      'POST /v1/events 400': () => capture(api, tenant.apiKey, validRecord('user.teleported')),
      'POST /v1/events 401': () => capture(api, 'cdl_wrong', validRecord('user.login')),
      'POST /v1/events 410': () => capture(api, terminated.apiKey, validRecord('user.login')),
      'POST /v1/events 413': () =>
        capture(api, tenant.apiKey, { events: Array.from({ length: 101 }, () => validRecord('user.login')) }),
      'POST /v1/events 415': () => capture(api, tenant.apiKey, 'x', { 'content-type': 'text/plain' }),
      'POST /v1/events 422': () =>
        capture(api, tenant.apiKey, validRecord('user.login', { occurredAt: '2099-01-01T00:00:00Z' })),
      'POST /v1/events 503': async () =>
        readResponse(
          await unavailable(
            apiEvent({
              method: 'POST',
              route: '/v1/events',
              headers: { authorization: 'Bearer cdl_x' },
              body: validRecord('user.login'),
            }),
            lambdaContext(),
          ),
        ),
      'POST /v1/events 409': async () => {
        const first = validRecord('user.login');
        await capture(api, tenant.apiKey, first);
        return capture(api, tenant.apiKey, {
          ...first,
          occurredAt: new Date(Date.now() - 60_000).toISOString(),
        });
      },
      'POST /v1/erasures 202': () => erasureByBody({ userId: 'a/b' }),
      'POST /v1/erasures 400': () => erasureByBody({ userId: 'a', extra: true }),
      'POST /v1/erasures 401': () => erasureByBody({ userId: 'a' }, 'cdl_wrong'),
      'POST /v1/erasures 410': () => erasureByBody({ userId: 'a' }, terminated.apiKey),
      'POST /v1/erasures 415': () =>
        api.erasureApi({
          method: 'POST',
          route: '/v1/erasures',
          headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'text/plain' },
          body: 'userId=a',
        }),
      'POST /v1/tenants/{id}/holds 201': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/holds',
          pathParameters: { id: tenant.id },
          headers: operator,
          body: { reason: 'case 1', placedBy: 'ops', categories: ['admin-action-log'] },
        }),
      'POST /v1/tenants/{id}/holds 400': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/holds',
          pathParameters: { id: tenant.id },
          headers: operator,
          body: { reason: '' },
        }),
      'POST /v1/tenants/{id}/holds 401': () =>
        tenantRoute('POST', '/v1/tenants/{id}/holds', { id: tenant.id }, { authorization: 'Bearer x' }),
      'POST /v1/tenants/{id}/holds 404': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/holds',
          pathParameters: { id: 'missing' },
          headers: operator,
          body: { reason: 'r', placedBy: 'ops' },
        }),
      'POST /v1/tenants/{id}/holds 415': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/holds',
          pathParameters: { id: tenant.id },
          headers: { ...operator, 'content-type': 'text/plain' },
          body: 'hold',
        }),
      'GET /v1/tenants/{id}/holds 200': () => tenantRoute('GET', '/v1/tenants/{id}/holds', { id: tenant.id }),
      'GET /v1/tenants/{id}/holds 401': () =>
        tenantRoute('GET', '/v1/tenants/{id}/holds', { id: tenant.id }, { authorization: 'Bearer x' }),
      'GET /v1/tenants/{id}/holds 404': () => tenantRoute('GET', '/v1/tenants/{id}/holds', { id: 'missing' }),
      'DELETE /v1/tenants/{id}/holds/{holdId} 200': async () => {
        const placed = await api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/holds',
          pathParameters: { id: tenant.id },
          headers: operator,
          body: { reason: 'case 2', placedBy: 'ops' },
        });
        return api.tenantsApi({
          method: 'DELETE',
          route: '/v1/tenants/{id}/holds/{holdId}',
          pathParameters: { id: tenant.id, holdId: placed.body.holdId },
          headers: operator,
          body: { releasedBy: 'ops' },
        });
      },
      'DELETE /v1/tenants/{id}/holds/{holdId} 400': () =>
        api.tenantsApi({
          method: 'DELETE',
          route: '/v1/tenants/{id}/holds/{holdId}',
          pathParameters: { id: tenant.id, holdId: 'h' },
          headers: operator,
          body: { releasedBy: 7 },
        }),
      'DELETE /v1/tenants/{id}/holds/{holdId} 401': () =>
        tenantRoute(
          'DELETE',
          '/v1/tenants/{id}/holds/{holdId}',
          { id: tenant.id, holdId: 'h' },
          {
            authorization: 'Bearer x',
          },
        ),
      'DELETE /v1/tenants/{id}/holds/{holdId} 404': () =>
        tenantRoute('DELETE', '/v1/tenants/{id}/holds/{holdId}', { id: tenant.id, holdId: 'no-such-hold' }),
      'PUT /v1/tenants/{id}/hosting/{service} 200': () =>
        tenantRoute('PUT', '/v1/tenants/{id}/hosting/{service}', { id: tenant.id, service: 'ecm' }),
      'PUT /v1/tenants/{id}/hosting/{service} 401': () =>
        tenantRoute(
          'PUT',
          '/v1/tenants/{id}/hosting/{service}',
          { id: tenant.id, service: 'ecm' },
          {
            authorization: 'Bearer x',
          },
        ),
      'PUT /v1/tenants/{id}/hosting/{service} 404': () =>
        tenantRoute('PUT', '/v1/tenants/{id}/hosting/{service}', { id: tenant.id, service: 'mainframe' }),
      'DELETE /v1/tenants/{id}/hosting/{service} 200': async () => {
        const hosted = await createTenant(api, { modules: ['ciam', 'container-security'] });
        return tenantRoute('DELETE', '/v1/tenants/{id}/hosting/{service}', { id: hosted.id, service: 'cvm' });
      },
      'DELETE /v1/tenants/{id}/hosting/{service} 401': () =>
        tenantRoute(
          'DELETE',
          '/v1/tenants/{id}/hosting/{service}',
          { id: tenant.id, service: 'cvm' },
          {
            authorization: 'Bearer x',
          },
        ),
      'DELETE /v1/tenants/{id}/hosting/{service} 404': () =>
        tenantRoute('DELETE', '/v1/tenants/{id}/hosting/{service}', { id: 'missing', service: 'cvm' }),
      'POST /v1/users/{userId}/erasure 202': () =>
        api.erasureApi({
          method: 'POST',
          route: '/v1/users/{userId}/erasure',
          pathParameters: { userId: 'u-1' },
          headers: { authorization: `Bearer ${tenant.apiKey}` },
        }),
      'POST /v1/users/{userId}/erasure 400': () =>
        api.erasureApi({
          method: 'POST',
          route: '/v1/users/{userId}/erasure',
          pathParameters: { userId: 'x'.repeat(200) },
          headers: { authorization: `Bearer ${tenant.apiKey}` },
        }),
      'POST /v1/users/{userId}/erasure 401': () =>
        api.erasureApi({
          method: 'POST',
          route: '/v1/users/{userId}/erasure',
          pathParameters: { userId: 'u-1' },
        }),
      'POST /v1/users/{userId}/erasure 410': () =>
        api.erasureApi({
          method: 'POST',
          route: '/v1/users/{userId}/erasure',
          pathParameters: { userId: 'u-1' },
          headers: { authorization: `Bearer ${terminated.apiKey}` },
        }),
      'GET /console 200': () => api.statsApi({ method: 'GET', route: '/console' }),
      'GET /ops 200': () => api.statsApi({ method: 'GET', route: '/ops' }),
      'GET /v1/logs/admin-actions 200': () => logs('admin-actions', { limit: '1' }),
      'GET /v1/logs/admin-actions 400': () => logs('admin-actions', { nonsense: '1' }),
      'GET /v1/logs/admin-actions 401': () => logs('admin-actions', {}, 'cdl_wrong'),
      'GET /v1/logs/admin-actions 410': () => logs('admin-actions', {}, terminated.apiKey),
      'GET /v1/logs/admin-actions 422': () => logs('admin-actions', {}, securityOnly.apiKey),
      'GET /v1/logs/user-operations 200': () => logs('user-operations', { limit: '1' }),
      'GET /v1/logs/user-operations 400': () => logs('user-operations', { nonsense: '1' }),
      'GET /v1/logs/user-operations 401': () => logs('user-operations', {}, 'cdl_wrong'),
      'GET /v1/logs/user-operations 410': () => logs('user-operations', {}, terminated.apiKey),
      'GET /v1/logs/user-operations 422': () => logs('user-operations', {}, securityOnly.apiKey),
      'GET /v1/logs/api-invocations 200': () => logs('api-invocations', { limit: '1' }),
      'GET /v1/logs/api-invocations 400': () => logs('api-invocations', { nonsense: '1' }),
      'GET /v1/logs/api-invocations 401': () => logs('api-invocations', {}, 'cdl_wrong'),
      'GET /v1/logs/api-invocations 410': () => logs('api-invocations', {}, terminated.apiKey),
      'GET /v1/logs/api-invocations 422': () => logs('api-invocations', {}, securityOnly.apiKey),
      'GET /v1/logs/security 200': () => logs('security', { limit: '1' }),
      'GET /v1/logs/security 400': () => logs('security', { nonsense: '1' }),
      'GET /v1/logs/security 401': () => logs('security', {}, 'cdl_wrong'),
      'GET /v1/logs/security 410': () => logs('security', {}, terminated.apiKey),
      'GET /v1/logs/security 422': () => logs('security', {}, ciamOnly.apiKey),
      'POST /v1/logs/{log}/exports 202': () => exportOf('user-operations', { format: 'csv' }),
      'POST /v1/logs/{log}/exports 400': () => exportOf('user-operations', { limit: '5' }),
      'POST /v1/logs/{log}/exports 401': () => exportOf('user-operations', {}, 'cdl_wrong'),
      'POST /v1/logs/{log}/exports 404': () => exportOf('nowhere', {}),
      'POST /v1/logs/{log}/exports 410': () => exportOf('user-operations', {}, terminated.apiKey),
      'POST /v1/logs/{log}/exports 413': () => exportOf('user-operations', { to: 'x'.repeat(300_000) }),
      'POST /v1/logs/{log}/exports 415': () =>
        api.logsApi({
          method: 'POST',
          route: '/v1/logs/{log}/exports',
          pathParameters: { log: 'security' },
          headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'text/csv' },
          body: 'a,b',
        }),
      'POST /v1/logs/{log}/exports 422': () => exportOf('security', {}, ciamOnly.apiKey),
      'GET /v1/logs/exports/{id} 200': async () => {
        const asked = await exportOf('admin-actions', {});
        return exportStatus(asked.body.exportId);
      },
      'GET /v1/logs/exports/{id} 401': () =>
        exportStatus('00000000-0000-4000-8000-000000000000', 'cdl_wrong'),
      'GET /v1/logs/exports/{id} 404': () => exportStatus('00000000-0000-4000-8000-000000000000'),
      'GET /v1/stats 200': () => stats('/v1/stats', { date: yesterday }),
      'GET /v1/stats 400': () => stats('/v1/stats', { date: '2026-13-01' }),
      'GET /v1/stats 401': () => stats('/v1/stats', { date: yesterday }, 'cdl_wrong'),
      'GET /v1/stats 404': () => stats('/v1/stats', { date: today }),
      'GET /v1/stats 410': () => stats('/v1/stats', { date: yesterday }, terminated.apiKey),
      'GET /v1/stats/range 200': () =>
        stats('/v1/stats/range', {
          from: '2026-01-01',
          to: yesterday < '2026-03-31' ? yesterday : '2026-03-31',
        }),
      'GET /v1/stats/range 400': () => stats('/v1/stats/range', { from: '2026-01-01', to: '2026-06-01' }),
      'GET /v1/stats/range 401': () =>
        stats('/v1/stats/range', { from: yesterday, to: yesterday }, 'cdl_wrong'),
      'GET /v1/stats/range 410': () =>
        stats('/v1/stats/range', { from: yesterday, to: yesterday }, terminated.apiKey),
      'POST /v1/tenants/{id}/termination 202': async () => {
        const leaving = await createTenant(api, { modules: ['ciam'] });
        return api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/termination',
          pathParameters: { id: leaving.id },
          headers: operator,
          body: { modules: ['ciam'] },
        });
      },
      'POST /v1/tenants/{id}/termination 400': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/termination',
          pathParameters: { id: tenant.id },
          headers: operator,
          body: { modules: [] },
        }),
      'POST /v1/tenants/{id}/termination 401': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/termination',
          pathParameters: { id: tenant.id },
          body: { modules: ['ciam'] },
        }),
      'POST /v1/tenants/{id}/termination 404': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/termination',
          pathParameters: { id: 'missing' },
          headers: operator,
          body: { modules: ['ciam'] },
        }),
      'POST /v1/tenants/{id}/termination 422': async () => {
        const ciamOnly = await createTenant(api, { modules: ['ciam'] });
        return api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants/{id}/termination',
          pathParameters: { id: ciamOnly.id },
          headers: operator,
          body: { modules: ['container-security'] },
        });
      },
      'GET /v1/tenants/{id}/termination 200': async () => {
        const leaving = await createTenant(api, { modules: ['ciam'] });
        const route = '/v1/tenants/{id}/termination';
        await api.tenantsApi({
          method: 'POST',
          route,
          pathParameters: { id: leaving.id },
          headers: operator,
          body: { modules: ['ciam'] },
        });
        return api.tenantsApi({
          method: 'GET',
          route,
          pathParameters: { id: leaving.id },
          headers: operator,
        });
      },
      'GET /v1/tenants/{id}/termination 401': () =>
        tenantRoute('GET', '/v1/tenants/{id}/termination', { id: tenant.id }, { authorization: 'Bearer x' }),
      'GET /v1/tenants/{id}/termination 404': () =>
        tenantRoute('GET', '/v1/tenants/{id}/termination', { id: tenant.id }),
      'GET /v1/logs 200': () =>
        api.logsApi({
          method: 'GET',
          route: '/v1/logs',
          headers: { authorization: `Bearer ${tenant.apiKey}` },
        }),
      'GET /v1/logs 401': () =>
        api.logsApi({ method: 'GET', route: '/v1/logs', headers: { authorization: 'Bearer cdl_wrong' } }),
      'GET /v1/tenants/{id}/erasures 200': async () => {
        const erasing = await createTenant(api, { modules: ['ciam'] });
        await capture(api, erasing.apiKey, validRecord('user.login', { userId: 'erased-user' }));
        await eraseUserNow(api, erasing.apiKey, 'erased-user');
        return tenantRoute('GET', '/v1/tenants/{id}/erasures', { id: erasing.id });
      },
      'GET /v1/tenants/{id}/erasures 401': () =>
        tenantRoute(
          'GET',
          '/v1/tenants/{id}/erasures',
          { id: tenant.id },
          { authorization: `Bearer ${tenant.apiKey}` },
        ),
      'GET /v1/tenants/{id}/erasures 404': () =>
        tenantRoute('GET', '/v1/tenants/{id}/erasures', { id: 'missing' }),
      'POST /v1/tenants 201': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants',
          headers: operator,
          body: { name: 'B', modules: ['ciam'], maxUsers: 5, region: 'FR' },
        }),
      'POST /v1/tenants 400': () =>
        api.tenantsApi({ method: 'POST', route: '/v1/tenants', headers: operator, body: { name: '' } }),
      'POST /v1/tenants 401': () => api.tenantsApi({ method: 'POST', route: '/v1/tenants', body: {} }),
      'POST /v1/tenants 415': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants',
          headers: { ...operator, 'content-type': 'text/csv' },
          body: 'a,b',
        }),
      'POST /v1/tenants 422': () =>
        api.tenantsApi({
          method: 'POST',
          route: '/v1/tenants',
          headers: operator,
          body: { name: 'R', modules: ['container-security'], maxUsers: 5, region: 'RU' },
        }),
      'GET /v1/tenants/{id} 200': () => tenantRoute('GET', '/v1/tenants/{id}', { id: tenant.id }),
      'GET /v1/tenants/{id} 401': () =>
        tenantRoute(
          'GET',
          '/v1/tenants/{id}',
          { id: tenant.id },
          { authorization: `Bearer ${tenant.apiKey}` },
        ),
      'GET /v1/tenants/{id} 404': () => tenantRoute('GET', '/v1/tenants/{id}', { id: 'missing' }),
      'POST /v1/tenants/{id}/keys 201': () => tenantRoute('POST', '/v1/tenants/{id}/keys', { id: tenant.id }),
      'POST /v1/tenants/{id}/keys 401': () =>
        tenantRoute('POST', '/v1/tenants/{id}/keys', { id: tenant.id }, {} as typeof operator),
      'POST /v1/tenants/{id}/keys 404': () => tenantRoute('POST', '/v1/tenants/{id}/keys', { id: 'missing' }),
      'DELETE /v1/tenants/{id}/keys/{keyId} 204': () =>
        tenantRoute('DELETE', '/v1/tenants/{id}/keys/{keyId}', { id: tenant.id, keyId: tenant.keyId }),
      'DELETE /v1/tenants/{id}/keys/{keyId} 401': () =>
        tenantRoute(
          'DELETE',
          '/v1/tenants/{id}/keys/{keyId}',
          { id: tenant.id, keyId: 'k' },
          { authorization: 'Bearer nope' },
        ),
      'GET /v1/ops/sweeps 200': async () => {
        await runSweep(sweepStores(cloud), new Date());
        return api.tenantsApi({ method: 'GET', route: '/v1/ops/sweeps', headers: operator });
      },
      'GET /v1/ops/sweeps 400': () =>
        api.tenantsApi({ method: 'GET', route: '/v1/ops/sweeps', query: { limit: '0' }, headers: operator }),
      'GET /v1/ops/sweeps 401': () => api.tenantsApi({ method: 'GET', route: '/v1/ops/sweeps' }),
      'GET /v1/tenants/{id}/log-reads 200': async () => {
        // Two reads, one of them filtered, listed one a page: a page with a cursor.
        await logs('user-operations', { limit: '1', userId: 'u-1', result: 'success' });
        await logs('admin-actions', { limit: '1' });
        return api.tenantsApi({
          method: 'GET',
          route: '/v1/tenants/{id}/log-reads',
          pathParameters: { id: tenant.id },
          query: { limit: '1' },
          headers: operator,
        });
      },
      'GET /v1/tenants/{id}/log-reads 400': () =>
        api.tenantsApi({
          method: 'GET',
          route: '/v1/tenants/{id}/log-reads',
          pathParameters: { id: tenant.id },
          query: { cursor: 'not-a-cursor' },
          headers: operator,
        }),
      'GET /v1/tenants/{id}/log-reads 401': () =>
        tenantRoute(
          'GET',
          '/v1/tenants/{id}/log-reads',
          { id: tenant.id },
          { authorization: `Bearer ${tenant.apiKey}` },
        ),
      'GET /v1/tenants/{id}/log-reads 404': () =>
        tenantRoute('GET', '/v1/tenants/{id}/log-reads', { id: 'missing' }),
      'GET /v1/ops/reconciliations 200': async () => {
        await runSweep(sweepStores(cloud), new Date());
        return api.tenantsApi({ method: 'GET', route: '/v1/ops/reconciliations', headers: operator });
      },
      'GET /v1/ops/reconciliations 401': () =>
        api.tenantsApi({
          method: 'GET',
          route: '/v1/ops/reconciliations',
          headers: { authorization: `Bearer ${tenant.apiKey}` },
        }),
      'GET /v1/tenants 200': () =>
        api.tenantsApi({ method: 'GET', route: '/v1/tenants', query: { limit: '1' }, headers: operator }),
      'GET /v1/tenants 400': () =>
        api.tenantsApi({ method: 'GET', route: '/v1/tenants', query: { cursor: '!' }, headers: operator }),
      'GET /v1/tenants 401': () =>
        api.tenantsApi({
          method: 'GET',
          route: '/v1/tenants',
          headers: { authorization: `Bearer ${tenant.apiKey}` },
        }),
      'DELETE /v1/tenants/{id}/keys/{keyId} 404': () =>
        tenantRoute('DELETE', '/v1/tenants/{id}/keys/{keyId}', { id: tenant.id, keyId: 'missing' }),
    };
    // The event-source routes (sourcesApi): the same handler as deployed, on this file's tables.
    const sources = sourcesApiOn(cloud);
    const deadSources = sourcesApiOn(cloud, new Map(), deadDb);
    const sourceTenant = await createTenant(api, { modules: ['ciam'] });
    const keycloakEvent = (time: number) => ({
      id: randomUUID(),
      time,
      type: 'LOGIN',
      userId: 'u-1',
      ipAddress: '85.214.132.117',
    });
    const auth0Log = (date: string, logId = `l${randomUUID().replaceAll('-', '')}`) =>
      JSON.stringify([
        { log_id: logId, data: { date, type: 's', user_id: 'auth0|1', ip: '85.214.132.117' } },
      ]);
    const inAnHour = Date.now() + 3_600_000;
    Object.assign(scenarios, {
      'POST /v1/sources/keycloak/events 202': () =>
        sources(keycloakRequest(sourceTenant.apiKey, fixtureText('keycloak-login.json'))),
      'POST /v1/sources/keycloak/events 400': () =>
        sources(keycloakRequest(sourceTenant.apiKey, '{"kind":"unknown"}')),
      'POST /v1/sources/keycloak/events 401': () =>
        sources(keycloakRequest('cdl_wrong', fixtureText('keycloak-login.json'))),
      'POST /v1/sources/keycloak/events 409': async () => {
        const event = keycloakEvent(Date.now() - 60_000);
        await sources(keycloakRequest(sourceTenant.apiKey, [event]));
        return sources(keycloakRequest(sourceTenant.apiKey, [{ ...event, time: event.time - 1 }]));
      },
      'POST /v1/sources/keycloak/events 410': () =>
        sources(keycloakRequest(terminated.apiKey, fixtureText('keycloak-login.json'))),
      'POST /v1/sources/keycloak/events 413': () =>
        sources(keycloakRequest(sourceTenant.apiKey, `[${' '.repeat(300_000)}]`)),
      'POST /v1/sources/keycloak/events 415': () =>
        sources({
          ...keycloakRequest(sourceTenant.apiKey, 'x'),
          headers: { authorization: `Bearer ${sourceTenant.apiKey}`, 'content-type': 'text/plain' },
        }),
      'POST /v1/sources/keycloak/events 422': () =>
        sources(keycloakRequest(sourceTenant.apiKey, keycloakEvent(inAnHour))),
      'POST /v1/sources/keycloak/events 503': () =>
        deadSources(keycloakRequest(sourceTenant.apiKey, fixtureText('keycloak-login.json'))),
      'POST /v1/sources/auth0/logs 200': () =>
        sources(auth0Request(terminated.apiKey, fixtureText('auth0-log-stream.json'))),
      'POST /v1/sources/auth0/logs 202': () =>
        sources(auth0Request(sourceTenant.apiKey, fixtureText('auth0-log-stream.json'))),
      'POST /v1/sources/auth0/logs 400': () => sources(auth0Request(sourceTenant.apiKey, '"x"')),
      'POST /v1/sources/auth0/logs 401': () =>
        sources(auth0Request('cdl_wrong', fixtureText('auth0-log-stream.json'))),
      'POST /v1/sources/auth0/logs 409': async () => {
        const logId = `l${randomUUID().replaceAll('-', '')}`;
        await sources(auth0Request(sourceTenant.apiKey, auth0Log(new Date().toISOString(), logId)));
        return sources(
          auth0Request(sourceTenant.apiKey, auth0Log(new Date(Date.now() - 1000).toISOString(), logId)),
        );
      },
      'POST /v1/sources/auth0/logs 413': () =>
        sources(auth0Request(sourceTenant.apiKey, `[${' '.repeat(1_100_000)}]`)),
      'POST /v1/sources/auth0/logs 415': () =>
        sources(auth0Request(sourceTenant.apiKey, fixtureText('auth0-log-stream.json'), 'text/csv')),
      'POST /v1/sources/auth0/logs 422': () =>
        sources(auth0Request(sourceTenant.apiKey, auth0Log(new Date(inAnHour).toISOString()))),
      'POST /v1/sources/auth0/logs 503': () =>
        deadSources(auth0Request(sourceTenant.apiKey, fixtureText('auth0-log-stream.json'))),
    });
  });
  afterAll(() => cloud.destroy());

  it('describes exactly the HTTP routes serverless.yml declares', () => {
    const served = Object.values(inject('localCloud').functions).flatMap((fn) =>
      (fn.events ?? []).flatMap((e) => {
        const http = e.httpApi as { method: string; path: string } | string | undefined;
        // `httpApi: '*'` is the $default route (routeNotFound): whatever no path of the document takes.
        return http && typeof http === 'object' ? [`${http.method.toUpperCase()} ${http.path}`] : [];
      }),
    );
    const inDoc = [...new Set(documented.map((d) => d.split(' ').slice(0, 2).join(' ')))];
    expect(inDoc.sort()).toEqual(served.sort());
  });

  it('has a scenario for every documented response and none for an undocumented one', () => {
    expect(Object.keys(scenarios).sort()).toEqual([...documented].sort());
  });

  it.each(documented)('%s: the handler answers it, in the documented shape', async (key) => {
    const [method, path, status] = key.split(' ') as [string, string, string];
    const scenario = scenarios[key];
    if (!scenario) throw new Error(`no scenario for ${key}`);
    const response = await scenario();
    expect(response.status).toBe(Number(status));
    const { mediaType, schemaRef } = documentedResponse(method, path, status);
    if (!mediaType) {
      expect(response.body ?? '').toBe('');
      return;
    }
    expect(response.headers['content-type']?.split(';')[0]).toBe(mediaType);
    const validate = ajv.compile({ $ref: schemaRef });
    expect(validate(response.body), JSON.stringify(validate.errors)).toBe(true);
  });
});
