import { describe, expect, it } from 'vitest';
import {
  archiveDeletionDate,
  archiveWindowOf,
  DAY_MS,
  listCategories,
  maxLatenessMinutes,
  POLICY,
  sweepCutoff,
  sweepEveryMinutes,
  worstCaseLatenessMinutes,
} from '#policy/index';

const MINUTE = 60_000;
const { clockSkewMarginMinutes, archiveWindowMinutes } = POLICY.enforcement;

describe('enforcement: how late a deletion may come', () => {
  it('sweeps at least hourly', () => {
    expect(sweepEveryMinutes()).toBeGreaterThan(0);
    expect(sweepEveryMinutes()).toBeLessThanOrEqual(60);
  });

  it.each(['dynamodb', 's3'] as const)(
    'keeps %s data no longer past its deadline than the promise',
    (storage) => {
      expect(worstCaseLatenessMinutes(storage)).toBeLessThanOrEqual(maxLatenessMinutes());
    },
  );

  it('adds the archive window, the skew margin and one interval, and nothing else', () => {
    expect(worstCaseLatenessMinutes('dynamodb')).toBe(clockSkewMarginMinutes + sweepEveryMinutes());
    expect(worstCaseLatenessMinutes('s3')).toBe(
      archiveWindowMinutes + clockSkewMarginMinutes + sweepEveryMinutes(),
    );
  });
});

describe('sweepCutoff: never early under clock skew', () => {
  const trueNow = new Date('2027-01-10T12:00:00.000Z');

  it('acts only on what was due a whole margin ago', () => {
    expect(trueNow.getTime() - sweepCutoff(trueNow).getTime()).toBe(clockSkewMarginMinutes * MINUTE);
  });

  it.each([-clockSkewMarginMinutes, -1, 0, 1, clockSkewMarginMinutes])(
    'with the sweep clock %i minutes off, the cutoff is never after the true time',
    (skewMinutes) => {
      const sweepClock = new Date(trueNow.getTime() + skewMinutes * MINUTE);
      expect(sweepCutoff(sweepClock).getTime()).toBeLessThanOrEqual(trueNow.getTime());
    },
  );

  it('would act early with a skew beyond the margin (the margin is what protects)', () => {
    const sweepClock = new Date(trueNow.getTime() + (clockSkewMarginMinutes + 1) * MINUTE);
    expect(sweepCutoff(sweepClock).getTime()).toBeGreaterThan(trueNow.getTime());
  });
});

describe('archiveWindowOf: grouping archived records by deletion date', () => {
  const terminatedAt = new Date('2027-03-01T09:17:00.000Z');
  const archived = listCategories().filter((c) => c.rule.kind === 'archiveOnTermination');

  it('puts every deadline in a window that starts at or before it and is narrower than the window width', () => {
    for (const c of archived) {
      for (let minutes = 0; minutes < 3 * 24 * 60; minutes += 7) {
        const recordTime = new Date(terminatedAt.getTime() - 179 * DAY_MS + minutes * MINUTE);
        const deadline = archiveDeletionDate(c.id, recordTime, terminatedAt);
        const start = new Date(`${archiveWindowOf(deadline)}:00.000Z`).getTime();
        expect(start).toBeLessThanOrEqual(deadline.getTime());
        expect(deadline.getTime() - start).toBeLessThan(archiveWindowMinutes * MINUTE);
      }
    }
  });

  it('gives deadlines a window apart different windows', () => {
    const deadline = new Date('2027-09-01T10:00:00.000Z');
    const later = new Date(deadline.getTime() + archiveWindowMinutes * MINUTE);
    expect(archiveWindowOf(later)).not.toBe(archiveWindowOf(deadline));
    expect(archiveWindowOf(new Date(later.getTime() - 1))).toBe(archiveWindowOf(deadline));
  });
});
