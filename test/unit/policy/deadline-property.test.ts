import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  archiveDeletionDate,
  DAY_MS,
  isExpired,
  listCategories,
  POLICY,
  readable,
  readableDeadline,
  retentionDeadline,
  ruleOf,
  storedDeadline,
  sweepCutoff,
} from '#policy/index';

// For random records and random clocks: a record is never readable at or after its deadline, and no
// deadline the reads and the sweep act on ever falls before the minimum retention the policy promises.

const MINUTE = 60_000;
const margin = POLICY.enforcement.clockSkewMarginMinutes * MINUTE;
const categories = listCategories().map((c) => c.id);
const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }).map((t) => new Date(t));
const offset = fc.integer({ min: -800 * DAY_MS, max: 800 * DAY_MS });

/** A stored item as the stores write it: live, or archived at a termination. */
const stored = fc.record({
  category: fc.constantFrom(...categories),
  recordTime: instant,
  terminatedAfter: fc.option(fc.integer({ min: 0, max: 400 * DAY_MS }), { nil: undefined }),
});
type Stored = { category: string; recordTime: Date; terminatedAfter: number | undefined };

/** The item, and the deadline the policy gives the record, from the rule itself. */
function itemOf({ category, recordTime, terminatedAfter }: Stored) {
  const rule = ruleOf(category);
  const archived = terminatedAfter !== undefined && rule.kind === 'archiveOnTermination';
  const terminatedAt = new Date(recordTime.getTime() + (terminatedAfter ?? 0));
  const item = {
    category,
    occurredAt: recordTime.toISOString(),
    ...(archived ? { terminatedAt: terminatedAt.toISOString() } : {}),
  };
  const deadline = archived
    ? archiveDeletionDate(category, recordTime, terminatedAt)
    : retentionDeadline(category, recordTime, { status: 'active' });
  return { item, deadline, rule };
}

describe('deadlines for random records and clocks', () => {
  it('never returns a record from a read at or after its deadline, and always before it', () => {
    fc.assert(
      fc.property(stored, offset, (record, at) => {
        const { item, deadline } = itemOf(record);
        const now = new Date(record.recordTime.getTime() + at);
        const shown = readable([item], now).length === 1;
        if (deadline === null) expect(shown).toBe(true);
        else expect(shown).toBe(now.getTime() < deadline.getTime());
        expect(isExpired(item, now)).toBe(!shown);
        // The log reads' one evaluation: the deadline while readable, undefined once it is not.
        expect(readableDeadline(item, now)?.getTime() ?? readableDeadline(item, now)).toBe(
          shown ? (deadline?.getTime() ?? null) : undefined,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('never gives a deadline before the minimum retention of the record’s rule', () => {
    fc.assert(
      fc.property(stored, (record) => {
        const { item, deadline, rule } = itemOf(record);
        expect(storedDeadline(item)?.getTime() ?? null).toBe(deadline?.getTime() ?? null);
        if (deadline === null) return;
        const kept = deadline.getTime() - record.recordTime.getTime();
        if (rule.kind === 'fixed') expect(kept).toBe(rule.days * DAY_MS);
        if (rule.kind === 'archiveOnTermination') {
          expect(kept).toBeGreaterThanOrEqual(rule.minDays * DAY_MS);
          // …and never later than the policy's date: grace after the termination, or the minimum.
          expect(deadline.getTime()).toBe(
            Math.max(
              record.recordTime.getTime() + rule.minDays * DAY_MS,
              record.recordTime.getTime() + (record.terminatedAfter ?? 0) + rule.graceDays * DAY_MS,
            ),
          );
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('lets a sweep whose clock is off by up to the skew margin act only on what is due by the true clock', () => {
    fc.assert(
      fc.property(stored, offset, fc.integer({ min: -margin, max: margin }), (record, at, skew) => {
        const deadline = storedDeadline(itemOf(record).item); // what the sweep re-checks
        const trueNow = new Date(record.recordTime.getTime() + at);
        const sweepClock = new Date(trueNow.getTime() + skew);
        // The sweep deletes an entry only when its deadline is at or before the cutoff of its own clock.
        const deletes = deadline !== null && deadline.getTime() <= sweepCutoff(sweepClock).getTime();
        if (deletes) expect(deadline.getTime()).toBeLessThanOrEqual(trueNow.getTime());
      }),
      { numRuns: 2000 },
    );
  });
});
