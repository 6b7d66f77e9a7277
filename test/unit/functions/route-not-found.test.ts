import { describe, expect, it } from 'vitest';
import { apiEvent } from '#test/api-events';
import {
  allowedMethods,
  parseRouteKeys,
  routeKeyOf,
  selectRoute,
} from '../../../functions/routeNotFound/routes.ts';

const ROUTES =
  'POST /v1/events, GET /v1/tenants/{id}, POST /v1/tenants/{id}/keys, DELETE /v1/tenants/{id}/keys/{keyId}, GET /v1/health, GET /v1/tenants/me, ANY /files/{path+}';
const routes = parseRouteKeys(ROUTES);

describe('the HTTP API route table', () => {
  it('reads every form serverless.yml gives an httpApi event', () => {
    expect(routeKeyOf('*')).toEqual({ method: '*', path: '*' });
    expect(routeKeyOf('get /a')).toEqual({ method: 'GET', path: '/a' });
    expect(routeKeyOf({ method: 'post', path: '/b/{id}' })).toEqual({ method: 'POST', path: '/b/{id}' });
    expect(routeKeyOf({ method: '*', path: '/c' })).toEqual({ method: 'ANY', path: '/c' });
    expect(routeKeyOf({ path: '/no-method' })).toBeUndefined();
  });

  it('picks the most specific route, as API Gateway does', () => {
    expect(selectRoute(routes, 'GET', '/v1/tenants/me')?.route.path).toBe('/v1/tenants/me');
    expect(selectRoute(routes, 'GET', '/v1/tenants/t-1')).toEqual({
      route: { method: 'GET', path: '/v1/tenants/{id}' },
      params: { id: 't-1' },
    });
    expect(selectRoute(routes, 'PUT', '/files/a/b/c')?.params).toEqual({ path: 'a/b/c' });
  });

  it('matches no route for another method, an empty segment, or a longer path', () => {
    expect(selectRoute(routes, 'PUT', '/v1/events')).toBeUndefined();
    expect(selectRoute(routes, 'GET', '/v1/tenants/')).toBeUndefined();
    expect(selectRoute(routes, 'GET', '/v1/health/x')).toBeUndefined();
  });

  it('lists the methods a path has', () => {
    expect(allowedMethods(routes, '/v1/events')).toEqual(['POST']);
    expect(allowedMethods(routes, '/v1/tenants/me')).toEqual(['GET']);
    expect(allowedMethods(routes, '/nowhere')).toEqual([]);
  });
});

describe('routeNotFound, the $default route', () => {
  const call = async (method: string, path: string) => {
    process.env.HTTP_ROUTES = ROUTES;
    const { handler } = await import('../../../functions/routeNotFound/handler.ts');
    const event = apiEvent({ method, route: path });
    const response = (await handler(event)) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };
    return { ...response, problem: JSON.parse(response.body) };
  };

  it('answers an unknown path with a problem+json 404', async () => {
    const { statusCode, headers, problem } = await call('GET', '/v2/nothing');
    expect(statusCode).toBe(404);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(problem).toMatchObject({ status: 404, detail: expect.stringContaining('/v2/nothing') });
  });

  it('answers a known path with another method with a 405 naming the allowed methods', async () => {
    const { statusCode, headers, problem } = await call('GET', '/v1/events');
    expect(statusCode).toBe(405);
    expect(headers.allow).toBe('POST');
    expect(problem).toMatchObject({ status: 405, type: '/problems/method-not-allowed' });
  });

  it('answers HEAD and OPTIONS on a GET route with 405 and Allow: GET', async () => {
    for (const method of ['HEAD', 'OPTIONS']) {
      const { statusCode, headers } = await call(method, '/v1/health');
      expect([method, statusCode, headers.allow]).toEqual([method, 405, 'GET']);
    }
  });
});
