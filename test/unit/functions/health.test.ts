import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { POLICY_VERSION } from '#policy/index';
import { handler } from '../../../functions/health/handler.ts';

describe('the health route', () => {
  it('answers 200 with the policy version in force, and is never cached', async () => {
    const response = await handler({}, {} as Context);
    expect(response).toMatchObject({ statusCode: 200, headers: { 'cache-control': 'no-store' } });
    const body = typeof response === 'object' ? JSON.parse(response.body ?? '') : undefined;
    expect(body).toEqual({ status: 'ok', policyVersion: POLICY_VERSION });
  });
});
