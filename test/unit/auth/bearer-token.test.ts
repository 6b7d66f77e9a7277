import { describe, expect, it } from 'vitest';
import { bearerToken, requireOperator } from '#http/auth';
import { apiEvent } from '#test/api-events';

const withAuthorization = (authorization: string) =>
  apiEvent({ method: 'GET', route: '/v1/ops/sweeps', headers: { authorization } });

describe('the bearer token of a request', () => {
  it('is the one credential of a single Authorization header', () => {
    expect(bearerToken(withAuthorization('Bearer cdl_abc'))).toBe('cdl_abc');
  });

  it('is refused with a 401 when duplicate headers were combined with a comma (payload 2.0)', () => {
    for (const header of ['Bearer wrong,Bearer right', 'Bearer right, Bearer wrong', 'Bearer a,b']) {
      expect(() => bearerToken(withAuthorization(header))).toThrow(
        expect.objectContaining({ status: 401, detail: expect.stringContaining('exactly one') }),
      );
    }
  });

  it('admits no operator whose key comes second in a combined header', () => {
    expect(() => requireOperator(withAuthorization('Bearer nope,Bearer op-key'), 'op-key')).toThrow(
      expect.objectContaining({ status: 401 }),
    );
  });
});
