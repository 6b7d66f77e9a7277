import { describe, expect, it } from 'vitest';
import {
  archiveDeletionDate,
  DAY_MS,
  listCategories,
  POLICY,
  RuleMismatchError,
  retentionDeadline,
  s3ExpirationBackstopDays,
} from '#policy/index';

const at = (base: Date, days: number, ms = 0) => new Date(base.getTime() + days * DAY_MS + ms);

// Every S3 object class the project writes, with the latest deadline a record in an object created at
// `creation` can have. A record's own time may lie up to (not including) one day after the object's
// creation: capture accepts occurredAt a few minutes ahead, and clocks differ.
const skew = DAY_MS - 1;
const archivedCategories = listCategories().filter((c) => c.rule.kind === 'archiveOnTermination');
const s3Fixed = Object.entries(POLICY.operational)
  .filter(([, d]) => d.storage === 's3' && d.rule.kind === 'fixed')
  .map(([id]) => id);

describe('S3 lifecycle backstop', () => {
  it('expires archives one day after the longer of grace and minimum, receipts one day after their time', () => {
    for (const c of archivedCategories) expect(s3ExpirationBackstopDays(c.id)).toBe(181);
    expect(s3ExpirationBackstopDays('deletion-receipt')).toBe(1096);
  });

  it.each(archivedCategories.map((c) => c.id))(
    'never expires a %s archive before the latest deadline of any record in it',
    (id) => {
      const termination = new Date('2026-05-31T23:58:00.000Z');
      for (const createdAfterTermination of [0, 1, 60_000, DAY_MS, 7 * DAY_MS]) {
        const creation = new Date(termination.getTime() + createdAfterTermination);
        const backstop = at(creation, s3ExpirationBackstopDays(id));
        for (const recordTime of [
          at(termination, -900), // old: the 30-day grace decides
          at(termination, -179),
          at(termination, -150),
          termination, // young: the 180-day minimum decides
          at(termination, 0, 5 * 60_000), // future-dated by the 5 minutes capture allows
          new Date(creation.getTime() + skew), // the largest skew the margin covers
        ]) {
          const deadline = archiveDeletionDate(id, recordTime, termination);
          expect(backstop.getTime()).toBeGreaterThanOrEqual(deadline.getTime());
        }
      }
    },
  );

  it('would expire a young future-dated record early without its one-day margin', () => {
    const termination = new Date('2026-05-31T23:58:00.000Z');
    const recordTime = at(termination, 0, 5 * 60_000);
    const deadline = archiveDeletionDate('asset-management-data', recordTime, termination);
    const withoutMargin = at(termination, s3ExpirationBackstopDays('asset-management-data') - 1);
    expect(withoutMargin.getTime()).toBeLessThan(deadline.getTime());
  });

  it.each(s3Fixed)('never expires a %s object before its own deadline', (id) => {
    const creation = new Date('2026-12-31T23:59:59.999Z');
    const backstop = at(creation, s3ExpirationBackstopDays(id));
    for (const recordTime of [creation, new Date(creation.getTime() + skew)]) {
      const deadline = retentionDeadline(id, recordTime, { status: 'active' });
      expect(backstop.getTime()).toBeGreaterThanOrEqual(deadline?.getTime() ?? Number.POSITIVE_INFINITY);
    }
  });

  it('has no backstop for data that never goes to object storage', () => {
    for (const id of ['admin-action-log', 'user-operation-log', 'user-attributes', 'function-logs'])
      expect(() => s3ExpirationBackstopDays(id)).toThrow(RuleMismatchError);
  });
});
