import { describe, expect, it } from 'vitest';
import { POLICY_VERSION } from '#policy/index';
import { publishedPolicy } from '#policy/publish';
import { type ApiRequest, apiEvent, lambdaContext, readResponse } from '#test/api-events';
import { handler } from '../../../functions/policyApi/handler.ts';

const get = async (request: Partial<ApiRequest> = {}) =>
  readResponse(await handler(apiEvent({ method: 'GET', route: '/v1/policy', ...request }), lambdaContext()));
const etag = `"${POLICY_VERSION}"`;

describe('GET /v1/policy', () => {
  it('answers the published policy, with no key, tagged with its version and cacheable until revalidated', async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.body).toEqual(publishedPolicy());
    expect(response.headers).toMatchObject({
      'content-type': 'application/json',
      etag,
      'cache-control': 'public, max-age=300, must-revalidate',
    });
  });

  it.each([etag, `W/${etag}`, `"p-0000000000000000", ${etag}`, '*'])(
    'answers 304 without a body when If-None-Match is %s',
    async (ifNoneMatch) => {
      const response = await get({ headers: { 'if-none-match': ifNoneMatch } });
      expect(response).toMatchObject({ status: 304, body: '', headers: { etag } });
    },
  );

  it('answers the whole document to a client that holds another version', async () => {
    const response = await get({ headers: { 'if-none-match': '"p-0000000000000000"' } });
    expect(response.status).toBe(200);
    expect(response.body.version).toBe(POLICY_VERSION);
  });

  it('refuses another method with a 405 problem that names the one it answers', async () => {
    const response = await get({ method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers).toMatchObject({ 'content-type': 'application/problem+json', allow: 'GET' });
    expect(response.body.detail).toBe('/v1/policy answers GET only, not DELETE.');
  });

  it('answers a problem+json 404 for any other path', async () => {
    const response = await get({ route: '/v1/policy/ciam' });
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });
});
