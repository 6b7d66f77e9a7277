import { describe, expect, it } from 'vitest';
import {
  archiveDeletionDate,
  captureDeadline,
  DAY_MS,
  isExpired,
  readable,
  storedDeadline,
} from '#policy/index';

const t0 = new Date('2027-02-01T08:00:00.000Z');
const at = (days: number, ms = 0) => new Date(t0.getTime() + days * DAY_MS + ms);

describe('storedDeadline: the deadline the policy gives a stored item', () => {
  it('gives a fixed-time record its capture deadline', () => {
    const item = { category: 'admin-action-log', occurredAt: t0.toISOString() };
    expect(storedDeadline(item)).toEqual(captureDeadline('admin-action-log', t0));
    expect(storedDeadline(item)).toEqual(at(180));
  });

  it('gives an archived item the archive deadline of its termination', () => {
    const terminatedAt = at(20);
    const item = {
      category: 'asset-management-data',
      occurredAt: t0.toISOString(),
      terminatedAt: terminatedAt.toISOString(),
    };
    expect(storedDeadline(item)).toEqual(archiveDeletionDate('asset-management-data', t0, terminatedAt));
  });

  it('gives an operational record its own fixed time (deletion markers, sweep runs)', () => {
    expect(storedDeadline({ category: 'directory-deletion-marker', occurredAt: t0.toISOString() })).toEqual(
      at(30),
    );
    expect(storedDeadline({ category: 'deletion-receipt', occurredAt: t0.toISOString() })).toEqual(at(1095));
  });

  it.each([
    ['kept until termination', { category: 'user-operation-log', occurredAt: t0.toISOString() }],
    ['without a category', { occurredAt: t0.toISOString() }],
    ['without a time', { category: 'admin-action-log' }],
    ['with an unreadable time', { category: 'admin-action-log', occurredAt: 'yesterday' }],
  ])('has no deadline for an item %s', (_, item) => {
    expect(storedDeadline(item)).toBeNull();
    expect(isExpired(item, at(10_000))).toBe(false);
  });

  it('finds an item of a category the policy no longer declares past its deadline: nothing is kept without a purpose', () => {
    const item = { category: 'retired-category', occurredAt: t0.toISOString() };
    expect(storedDeadline(item)).toEqual(new Date(0));
    expect(isExpired(item, t0)).toBe(true);
    expect(
      storedDeadline({ kind: 'day-bucket', bucketCategory: 'retired-category', day: '2026-01-01' }),
    ).toEqual(new Date(0));
  });

  it('gives an item of a terminated module the deadline its rule gives after the termination', () => {
    const terminatedAt = at(10).toISOString();
    // Kept until termination: due at the termination itself.
    expect(
      storedDeadline({ category: 'user-operation-log', occurredAt: t0.toISOString(), terminatedAt }),
    ).toEqual(at(10));
    // Archived: the later of termination + grace and own time + minimum.
    expect(
      storedDeadline({ category: 'asset-management-data', occurredAt: t0.toISOString(), terminatedAt }),
    ).toEqual(at(180));
  });
});

describe('isExpired and readable', () => {
  const item = { id: 'a', category: 'admin-action-log', occurredAt: t0.toISOString() };
  const young = { id: 'b', category: 'admin-action-log', occurredAt: at(1).toISOString() };

  it('is readable one millisecond before the deadline and expired at it', () => {
    expect(isExpired(item, at(180, -1))).toBe(false);
    expect(isExpired(item, at(180))).toBe(true);
  });

  it('drops exactly the expired items of a read, in order', () => {
    expect(readable([item, young], at(180, -1))).toEqual([item, young]);
    expect(readable([item, young], at(180))).toEqual([young]);
    expect(readable([item, young], at(181))).toEqual([]);
  });
});
