import { describe, expect, it } from 'vitest';
import { InvalidInput } from '#shared/errors';
import { parseBatch, parseSourceRecords } from '../../../functions/captureEvents/validate.ts';

const login = { id: 'cg-1', type: 'user.login', occurredAt: '2026-11-22T10:00:00Z', userId: 'u-1' };

describe('records mapped from a vendor source', () => {
  it('accepts a user operation without client IP and country, which POST /v1/events refuses', () => {
    expect(parseSourceRecords([login]).map((r) => r.fields)).toEqual([{ userId: 'u-1' }]);
    expect(parseBatch(login).kind).toBe('invalid');
  });

  it('still checks a client IP and country that are there', () => {
    const error = (() => {
      try {
        parseSourceRecords([{ ...login, clientIp: '999.1.1.1', country: 'de' }]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).issues.map((i) => i.pointer)).toEqual([
      '/records/0/clientIp',
      '/records/0/country',
    ]);
  });

  it('refuses every field its type does not carry, as capture does', () => {
    expect(() => parseSourceRecords([{ ...login, email: 'a@example.com' }])).toThrow(InvalidInput);
    expect(() => parseSourceRecords([{ ...login, type: 'user.teleported' }])).toThrow(InvalidInput);
  });

  it('keeps every other type exactly as capture shapes it (an admin action still needs its fields)', () => {
    expect(() =>
      parseSourceRecords([{ id: 'a0-1', type: 'admin.action', occurredAt: login.occurredAt, appId: 'x' }]),
    ).toThrow(InvalidInput);
  });
});
