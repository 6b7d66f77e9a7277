import { describe, expect, it } from 'vitest';
import {
  archiveDeletionDate,
  captureDeadline,
  DAY_MS,
  isPastDeadline,
  isReadable,
  RuleMismatchError,
  retentionDeadline,
  type TenantModuleState,
  UnknownCategoryError,
} from '#policy/index';

const t0 = new Date('2026-03-01T10:00:00.000Z');
const at = (base: Date, days: number, ms = 0) => new Date(base.getTime() + days * DAY_MS + ms);
const active: TenantModuleState = { status: 'active' };
const terminatedAt = (time: Date): TenantModuleState => ({ status: 'terminated', terminatedAt: time });

describe('fixed(180): admin action logs, product configuration, version management', () => {
  const fixedCategories = ['admin-action-log', 'product-configuration-data', 'version-management-data'];

  it.each(fixedCategories)('%s is due 180 days after its own time, terminated or not', (id) => {
    expect(retentionDeadline(id, t0, active)).toEqual(at(t0, 180));
    expect(retentionDeadline(id, t0, terminatedAt(at(t0, 3)))).toEqual(at(t0, 180));
    expect(captureDeadline(id, t0)).toEqual(at(t0, 180));
  });

  it.each(fixedCategories)('%s is readable one millisecond before its deadline and not at it', (id) => {
    expect(isReadable(id, t0, active, at(t0, 180, -1))).toBe(true);
    expect(isReadable(id, t0, active, at(t0, 180))).toBe(false);
    expect(isReadable(id, t0, active, at(t0, 180, 1))).toBe(false);
  });

  it.each(fixedCategories)('%s is past its deadline one second after it, not one second before', (id) => {
    expect(isPastDeadline(id, t0, active, at(t0, 180, -1000))).toBe(false);
    expect(isPastDeadline(id, t0, active, at(t0, 180, 1000))).toBe(true);
  });

  it('refuses at capture a record exactly 180 days old, and accepts one a millisecond younger', () => {
    const now = new Date('2026-09-01T00:00:00.000Z');
    expect(isPastDeadline('admin-action-log', at(now, -180), active, now)).toBe(true);
    expect(isPastDeadline('admin-action-log', at(now, -180, 1), active, now)).toBe(false);
    expect(isPastDeadline('admin-action-log', at(now, -181), active, now)).toBe(true);
    expect(isPastDeadline('admin-action-log', at(now, -179), active, now)).toBe(false);
  });

  it('counts exact days across a leap day', () => {
    const leap = new Date('2024-02-28T12:00:00.000Z');
    // 2024-02-28 + 180 days crosses 29 February: 2 days to 1 March, 178 more = 26 August.
    expect(retentionDeadline('admin-action-log', leap, active)?.toISOString()).toBe(
      '2024-08-26T12:00:00.000Z',
    );
    expect(retentionDeadline('admin-action-log', leap, active)?.getTime()).toBe(
      leap.getTime() + 180 * 86_400_000,
    );
    const noLeap = new Date('2025-02-28T12:00:00.000Z');
    expect(retentionDeadline('admin-action-log', noLeap, active)?.toISOString()).toBe(
      '2025-08-27T12:00:00.000Z',
    );
  });
});

describe('untilTermination and untilDeletedOrTermination', () => {
  const kept = [
    'api-invocation-log',
    'statistical-data',
    'user-operation-log',
    'user-attributes',
    'application-data',
  ];

  it.each(kept)('%s has no deadline while the tenant uses the feature, however old it is', (id) => {
    expect(retentionDeadline(id, t0, active)).toBeNull();
    expect(captureDeadline(id, t0)).toBeNull();
    expect(isReadable(id, t0, active, at(t0, 5000))).toBe(true);
    expect(isPastDeadline(id, t0, active, at(t0, 5000))).toBe(false);
  });

  it.each(kept)('%s is due at the first moment of termination', (id) => {
    const end = at(t0, 42);
    expect(retentionDeadline(id, t0, terminatedAt(end))).toEqual(end);
    expect(isReadable(id, t0, terminatedAt(end), new Date(end.getTime() - 1))).toBe(true);
    expect(isReadable(id, t0, terminatedAt(end), end)).toBe(false);
    expect(isPastDeadline(id, t0, terminatedAt(end), new Date(end.getTime() + 1000))).toBe(true);
  });

  it.each(kept)('%s arriving after termination is already past its deadline', (id) => {
    const end = at(t0, 42);
    expect(isPastDeadline(id, at(end, 0, 1), terminatedAt(end), at(end, 0, 2))).toBe(true);
  });
});

describe('archiveOnTermination(min 180, grace 30)', () => {
  const archived = ['asset-management-data', 'container-security-data', 'business-operation-data'];

  it.each(archived)('%s has no deadline while the tenant uses the feature', (id) => {
    expect(retentionDeadline(id, t0, active)).toBeNull();
    expect(captureDeadline(id, t0)).toBeNull();
    expect(isReadable(id, t0, active, at(t0, 5000))).toBe(true);
  });

  it.each([
    [10, 180], // young record: the 180-day minimum wins
    [149, 180], // terminated + 30 = day 179: still the minimum
    [150, 180], // terminated + 30 = day 180: both agree
    [151, 181], // from here the 30-day grace wins
    [179, 209],
    [180, 210],
    [181, 211],
    [400, 430],
  ])('a record %i days old at termination is deleted on day %i', (ageAtTermination, deletionDay) => {
    for (const id of archived) {
      const end = at(t0, ageAtTermination);
      expect(archiveDeletionDate(id, t0, end)).toEqual(at(t0, deletionDay));
      expect(retentionDeadline(id, t0, terminatedAt(end))).toEqual(at(t0, deletionDay));
    }
  });

  it.each(archived)('%s is never deleted before the 180-day minimum, to the millisecond', (id) => {
    const state = terminatedAt(at(t0, 1));
    expect(isReadable(id, t0, state, at(t0, 180, -1))).toBe(true);
    expect(isReadable(id, t0, state, at(t0, 180))).toBe(false);
    expect(isPastDeadline(id, t0, state, at(t0, 180, -1000))).toBe(false);
    expect(isPastDeadline(id, t0, state, at(t0, 180, 1000))).toBe(true);
  });

  it.each(archived)('%s is kept exactly 30 days past a late termination, to the millisecond', (id) => {
    const state = terminatedAt(at(t0, 179));
    expect(isReadable(id, t0, state, at(t0, 209, -1))).toBe(true);
    expect(isReadable(id, t0, state, at(t0, 209))).toBe(false);
    expect(isPastDeadline(id, t0, state, at(t0, 209, -1000))).toBe(false);
    expect(isPastDeadline(id, t0, state, at(t0, 209, 1000))).toBe(true);
  });

  it('is kept exactly 30 days past a late termination, across a leap day', () => {
    const record = new Date('2023-06-01T00:00:00.000Z');
    const end = new Date('2024-02-15T08:30:00.000Z');
    expect(archiveDeletionDate('asset-management-data', record, end).toISOString()).toBe(
      '2024-03-16T08:30:00.000Z',
    );
  });

  it('counts the 180-day minimum across a leap day', () => {
    const end = new Date('2024-01-20T00:00:00.000Z');
    // 2023-09-03 + 180 days is 1 March 2024 because of 29 February (2 March a year earlier).
    expect(archiveDeletionDate('container-security-data', new Date('2023-09-03T00:00:00.000Z'), end)).toEqual(
      new Date('2024-03-01T00:00:00.000Z'),
    );
  });

  it('refuses to compute an archive date for a category that is not archived', () => {
    expect(() => archiveDeletionDate('user-operation-log', t0, t0)).toThrow(RuleMismatchError);
    expect(() => archiveDeletionDate('admin-action-log', t0, t0)).toThrow(RuleMismatchError);
  });
});

describe('undeclared ids and operational records', () => {
  it('rejects an undeclared category', () => {
    expect(() => retentionDeadline('email-addresses', t0, active)).toThrow(UnknownCategoryError);
  });

  it('keeps a deletion receipt for its own fixed time, and never confuses prototype keys with rules', () => {
    expect(retentionDeadline('deletion-receipt', t0, active)).toEqual(at(t0, 1095));
    expect(() => retentionDeadline('constructor', t0, active)).toThrow(UnknownCategoryError);
    expect(() => retentionDeadline('__proto__', t0, active)).toThrow(UnknownCategoryError);
  });
});
