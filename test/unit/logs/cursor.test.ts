import { describe, expect, it } from 'vitest';
import { InvalidInput } from '#shared/errors';
import { decodeCursor, encodeCursor, filtersDigest } from '../../../functions/logsApi/cursor.ts';
import { parseLogQuery } from '../../../functions/logsApi/query.ts';

const state = {
  log: 'user-operations',
  from: '2026-11-01T00:00:00.000Z',
  to: '2026-11-02T00:00:00.000Z',
  filters: filtersDigest({ userId: 'u-1' }),
  position: '2026-11-01T10:00:00.000Z#rec-1',
};

describe('log cursors', () => {
  it('carry their state back to the tenant they were given to', () => {
    expect(decodeCursor(encodeCursor(state, 't-1', 'key'), 't-1', 'key')).toEqual(state);
  });

  it('are refused for another tenant, under another key, or with any character changed', () => {
    const cursor = encodeCursor(state, 't-1', 'key');
    expect(() => decodeCursor(cursor, 't-2', 'key')).toThrow(InvalidInput);
    expect(() => decodeCursor(cursor, 't-1', 'other-key')).toThrow(InvalidInput);
    for (let i = 0; i < cursor.length; i++) {
      const altered = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
      if (altered === cursor) continue;
      expect(() => decodeCursor(altered, 't-1', 'key'), `character ${i}`).toThrow(InvalidInput);
    }
  });

  it('digest filters independently of their order', () => {
    expect(filtersDigest({ a: '1', b: '2' })).toBe(filtersDigest({ b: '2', a: '1' }));
    expect(filtersDigest({ a: '1' })).not.toBe(filtersDigest({ a: '2' }));
  });
});

describe('log query parameters', () => {
  it('accept each log’s own filters and refuse any other name', () => {
    expect(parseLogQuery('security', { category: 'asset', serverId: 'srv-1' }).filters).toEqual({
      category: 'asset',
      serverId: 'srv-1',
    });
    expect(() => parseLogQuery('security', { userId: 'u-1' })).toThrow(/not a filter of the security log/);
    expect(() => parseLogQuery('admin-actions', { hasOwnProperty: 'x' })).toThrow(InvalidInput);
  });

  it('bound the page size', () => {
    expect(parseLogQuery('api-invocations', {}).limit).toBe(50);
    expect(parseLogQuery('api-invocations', { limit: '100' }).limit).toBe(100);
    for (const limit of ['0', '101', '1.5', '', 'x'])
      expect(() => parseLogQuery('api-invocations', { limit })).toThrow(InvalidInput);
  });
});
