import { describe, expect, it } from 'vitest';
import { storedDataImpact } from '#policy/impact';
import type { RetentionRule } from '#policy/index';

const fixed = (days: number): RetentionRule => ({ kind: 'fixed', days });
const archive = (minDays: number, graceDays: number): RetentionRule => ({
  kind: 'archiveOnTermination',
  minDays,
  graceDays,
});
const untilTermination: RetentionRule = { kind: 'untilTermination' };
const untilDeleted: RetentionRule = { kind: 'untilDeletedOrTermination' };

// Every kind of rule change: whether the first sweep after the deploy deletes records the old rule
// still kept, whether some records are kept longer, and one phrase the preview must say.
const CASES: Array<[string, RetentionRule, RetentionRule, boolean, boolean, string]> = [
  [
    'a shorter fixed time',
    fixed(180),
    fixed(90),
    true,
    false,
    'older than 90 days will be deleted at the first sweep',
  ],
  [
    'a longer fixed time',
    fixed(90),
    fixed(180),
    false,
    true,
    'a lengthened retention is written before any earlier deadline',
  ],
  [
    'a deadline for what was kept until termination',
    untilTermination,
    fixed(30),
    true,
    false,
    'kept until termination, will get a 30-day deadline',
  ],
  [
    'a deadline for what was kept until deleted',
    untilDeleted,
    fixed(30),
    true,
    false,
    'kept until deleted or terminated, will get a 30-day deadline',
  ],
  [
    'a fixed time past the archive minimum',
    archive(180, 30),
    fixed(365),
    true,
    true,
    'archived ones included',
  ],
  [
    'a fixed time within the archive minimum',
    archive(180, 30),
    fixed(90),
    true,
    false,
    'those older than 90 days',
  ],
  [
    'no deadline instead of a fixed time',
    fixed(180),
    untilTermination,
    true,
    true,
    'kept past a termination',
  ],
  [
    'deletion at termination instead of an archive',
    archive(180, 30),
    untilTermination,
    true,
    false,
    'archived at a termination will be deleted',
  ],
  [
    'deletion on the customer’s request as well',
    untilTermination,
    untilDeleted,
    false,
    false,
    'no deadline of stored',
  ],
  [
    'a shorter archive',
    archive(180, 30),
    archive(90, 30),
    true,
    false,
    'whose new date max(termination + 30 days, own time + 90 days) has passed',
  ],
  ['a longer archive', archive(180, 30), archive(180, 60), false, true, 'get the later date'],
  [
    'an archive shorter and longer at once',
    archive(180, 30),
    archive(90, 60),
    true,
    true,
    'get the later date',
  ],
  [
    'an archive instead of deletion at termination',
    untilTermination,
    archive(180, 30),
    false,
    false,
    'will be archived',
  ],
  [
    'an archive instead of a longer fixed time',
    fixed(365),
    archive(180, 30),
    true,
    true,
    'those past it will be deleted',
  ],
  [
    'an archive instead of a shorter fixed time',
    fixed(90),
    archive(180, 30),
    false,
    true,
    'kept until termination, then archived',
  ],
];

describe('what a rule change does to stored records', () => {
  it.each(CASES)('%s', (_, before, after, deletes, lengthens, phrase) => {
    const impact = storedDataImpact('some-category', before, after);
    expect(impact).toMatchObject({
      id: 'some-category',
      before,
      after,
      deletesAtFirstSweep: deletes,
      lengthens,
    });
    expect(impact.words.join(' | ')).toContain(phrase);
  });

  it('does nothing when the rule stays the same', () => {
    expect(storedDataImpact('x', archive(180, 30), archive(180, 30))).toMatchObject({
      deletesAtFirstSweep: false,
      lengthens: false,
      words: [],
    });
  });

  it('names the store that deletes log events and dead letters, not the sweep', () => {
    expect(storedDataImpact('function-logs', fixed(30), fixed(7), 'logs').words[0]).toContain(
      'by CloudWatch Logs once the deploy sets the new log retention',
    );
    expect(storedDataImpact('dead-letters', fixed(14), fixed(4), 'queue').words[0]).toContain(
      "by SQS once the deploy sets the queue's new retention",
    );
  });

  it('says one day, not one days', () => {
    expect(storedDataImpact('x', fixed(2), fixed(1)).words[0]).toContain('older than 1 day will be deleted');
  });
});
