import { describe, expect, it } from 'vitest';
import {
  archiveDeletionDate,
  captureDeadline,
  DAY_MS,
  isPastDeadline,
  isReadable,
  listCategories,
  RuleMismatchError,
  retentionDeadline,
  s3ExpirationBackstopDays,
  type TenantModuleState,
  ttlEpochSeconds,
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
    expect(isPastDeadline(id, t0, active, at(t0, 180, 1000))).toBe(true);
    expect(isPastDeadline(id, t0, active, at(t0, 180, -1000))).toBe(false);
  });

  it('counts exact days across a leap day', () => {
    const leap = new Date('2024-02-28T12:00:00.000Z');
    // 2024-02-28 + 180 days crosses 29 February: 2 days to 1 March, 178 more = 26 August.
    expect(retentionDeadline('admin-action-log', leap, active)?.toISOString()).toBe(
      '2024-08-26T12:00:00.000Z',
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
  });

  it.each(kept)('%s is due at the first moment of termination', (id) => {
    const end = at(t0, 42);
    expect(retentionDeadline(id, t0, terminatedAt(end))).toEqual(end);
    expect(isReadable(id, t0, terminatedAt(end), new Date(end.getTime() - 1))).toBe(true);
    expect(isReadable(id, t0, terminatedAt(end), end)).toBe(false);
  });
});

describe('archiveOnTermination(min 180, grace 30)', () => {
  const archived = ['asset-management-data', 'container-security-data', 'business-operation-data'];

  it.each(archived)('%s has no deadline while the tenant uses the feature', (id) => {
    expect(retentionDeadline(id, t0, active)).toBeNull();
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

  it('is never deleted before the 180-day minimum, to the millisecond', () => {
    const end = at(t0, 1);
    expect(isReadable('container-security-data', t0, terminatedAt(end), at(t0, 180, -1))).toBe(true);
    expect(isReadable('container-security-data', t0, terminatedAt(end), at(t0, 180))).toBe(false);
  });

  it('is kept exactly 30 days past a late termination, across a leap day', () => {
    const record = new Date('2023-06-01T00:00:00.000Z');
    const end = new Date('2024-02-15T08:30:00.000Z');
    expect(archiveDeletionDate('asset-management-data', record, end).toISOString()).toBe(
      '2024-03-16T08:30:00.000Z',
    );
  });

  it('refuses to compute an archive date for a category that is not archived', () => {
    expect(() => archiveDeletionDate('user-operation-log', t0, t0)).toThrow(RuleMismatchError);
  });
});

describe('helpers for storage', () => {
  it('rounds the DynamoDB TTL up, so TTL never fires before the deadline', () => {
    expect(ttlEpochSeconds(new Date('2026-01-01T00:00:00.000Z'))).toBe(1767225600);
    expect(ttlEpochSeconds(new Date('2026-01-01T00:00:00.001Z'))).toBe(1767225601);
    expect(ttlEpochSeconds(new Date('2026-01-01T00:00:00.999Z'))).toBe(1767225601);
  });

  it('sets every S3 backstop no earlier than the latest deadline an object can hold', () => {
    for (const c of listCategories().filter((x) => x.rule.kind === 'archiveOnTermination')) {
      // An archive object is written at (or after) termination T; its youngest record is due at T + 180 d.
      const termination = at(t0, 0);
      const latest = archiveDeletionDate(c.id, termination, termination);
      const backstop = at(termination, s3ExpirationBackstopDays(c.id));
      expect(backstop.getTime()).toBeGreaterThanOrEqual(latest.getTime());
      // …and an old record's grace period ends earlier still.
      expect(backstop.getTime()).toBeGreaterThanOrEqual(
        archiveDeletionDate(c.id, at(t0, -900), termination).getTime(),
      );
    }
    expect(s3ExpirationBackstopDays('deletion-receipt')).toBe(1095);
    expect(() => s3ExpirationBackstopDays('user-operation-log')).toThrow(RuleMismatchError);
  });

  it('rejects an undeclared category', () => {
    expect(() => retentionDeadline('email-addresses', t0, active)).toThrow(UnknownCategoryError);
  });
});

describe('operational records', () => {
  it('keeps a deletion receipt for its own fixed time, and never confuses prototype keys with rules', () => {
    expect(retentionDeadline('deletion-receipt', t0, active)).toEqual(at(t0, 1095));
    expect(() => retentionDeadline('constructor', t0, active)).toThrow(UnknownCategoryError);
    expect(() => retentionDeadline('__proto__', t0, active)).toThrow(UnknownCategoryError);
  });
});
