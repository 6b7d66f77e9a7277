import { describe, expect, it } from 'vitest';
import { heldBy, releasedSince } from '#shared/holds';
import type { Hold } from '#store/ports';

const hold = (categories: string[], released = false): Hold => ({
  tenantId: 't-1',
  holdId: `h-${categories.join('-')}`,
  categories,
  reason: 'case 1',
  placedBy: 'ops',
  placedAt: '2026-11-01T00:00:00.000Z',
  ...(released ? { releasedAt: '2026-11-02T00:00:00.000Z', releasedBy: 'ops' } : {}),
});

describe('holds', () => {
  it('covers what standing holds name, everything for one on "*", and nothing once released', () => {
    expect(heldBy([hold(['user-operation-log']), hold(['admin-action-log'], true)])).toEqual(
      new Set(['user-operation-log']),
    );
    expect(heldBy([hold(['*']), hold(['user-operation-log'])])).toBe('all');
    expect(heldBy([hold(['*'], true)])).toEqual(new Set());
  });

  it('says a hold was released once a category a run left for holds is no longer held', () => {
    const left = ['user-operation-log'];
    expect(releasedSince(left, [hold(['user-operation-log'])])).toBe(false);
    expect(releasedSince(left, [hold(['*'])])).toBe(false);
    expect(releasedSince(left, [hold(['user-operation-log'], true)])).toBe(true);
    expect(releasedSince(left, [hold(['user-operation-log'], true), hold(['admin-action-log'])])).toBe(true);
    expect(releasedSince([], [])).toBe(false);
  });

  it('leaves log exports to their own decision (what they copy is not in their count)', () => {
    expect(releasedSince(['log-export'], [])).toBe(false);
    expect(releasedSince(['log-export', 'user-operation-log'], [])).toBe(true);
  });
});
