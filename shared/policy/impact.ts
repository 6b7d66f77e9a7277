import type { RetentionRule } from './types.ts';
import { ruleName } from './words.ts';

// What a changed rule does to data already stored, in words: the first sweep after a deploy acts
// on the new deadlines (SPEC §7), a shortened deadline deletes what is now past it, a lengthened
// one is written before any earlier deadline can fire. Counting the records a change touches on a
// running stage takes one of these (`StoredDataImpact`) and the stage's stores.

/** The effect of one rule change on the records already stored under it. */
export interface StoredDataImpact {
  /** Category or operational record. */
  readonly id: string;
  readonly before: RetentionRule;
  readonly after: RetentionRule;
  /** Some records the old rule still kept are past their new deadline: deleted at the first sweep. */
  readonly deletesAtFirstSweep: boolean;
  /** Some records get a later deadline than before (written before any earlier one can fire). */
  readonly lengthens: boolean;
  readonly words: readonly string[];
}

/** Who deletes what falls due: the sweep, or the store's own retention setting the deploy changes. */
export type Enforcer = 'sweep' | 'logs' | 'queue';

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;
const atFirst = {
  sweep: 'at the first sweep after deploy',
  logs: 'by CloudWatch Logs once the deploy sets the new log retention',
  queue: "by SQS once the deploy sets the queue's new retention",
} as const;
const LENGTHENED =
  'a lengthened retention is written before any earlier deadline, so nothing is deleted early';
const whileUsed = (rule: RetentionRule) =>
  rule.kind === 'untilDeletedOrTermination' ? 'kept until deleted or terminated' : 'kept until termination';
const isUntil = (rule: RetentionRule) =>
  rule.kind === 'untilTermination' || rule.kind === 'untilDeletedOrTermination';

/** The effect of changing the rule of `id` from `before` to `after` on the records already stored. */
export function storedDataImpact(
  id: string,
  before: RetentionRule,
  after: RetentionRule,
  enforcer: Enforcer = 'sweep',
): StoredDataImpact {
  const of = `records of ${id}`;
  const first = atFirst[enforcer];
  const impact = (deletesAtFirstSweep: boolean, lengthens: boolean, ...words: string[]) => ({
    id,
    before,
    after,
    deletesAtFirstSweep,
    lengthens,
    words,
  });
  if (ruleName(before) === ruleName(after)) return impact(false, false);

  if (after.kind === 'fixed') {
    const older = `those older than ${days(after.days)} will be deleted ${first}`;
    if (before.kind === 'fixed') {
      return after.days < before.days
        ? impact(
            true,
            false,
            `${of} older than ${days(after.days)} will be deleted ${first}; the rest ${days(after.days)} after their own time instead of ${days(before.days)}`,
          )
        : impact(
            false,
            true,
            `${of} will be kept ${days(after.days)} instead of ${days(before.days)}: ${LENGTHENED}`,
          );
    }
    if (before.kind === 'archiveOnTermination') {
      const later = after.days > before.minDays;
      return impact(
        true,
        later,
        `${of}, kept until termination, then archived, will get a ${after.days}-day deadline: ${older} (archived ones included)`,
        ...(later
          ? [
              `archived ${of} whose ${after.days}-day deadline lies after their archive date are kept to it: ${LENGTHENED}`,
            ]
          : []),
      );
    }
    return impact(
      true,
      false,
      `${of}, ${whileUsed(before)}, will get a ${after.days}-day deadline: ${older}`,
    );
  }

  if (isUntil(after)) {
    if (before.kind === 'fixed')
      return impact(
        true,
        true,
        `${of} lose their ${before.days}-day deadline and will be ${whileUsed(after)}: ${LENGTHENED}`,
        `${of} kept past a termination (of tenants already terminated) will be deleted ${first}`,
      );
    if (before.kind === 'archiveOnTermination')
      return impact(
        true,
        false,
        `${of} archived at a termination will be deleted ${first}`,
        `at a later termination, ${of} will be deleted instead of archived`,
      );
    return impact(
      false,
      false,
      `no deadline of stored ${of} changes: they stay without one until ${after.kind === 'untilDeletedOrTermination' ? 'the customer deletes them or the tenant terminates' : 'the tenant terminates'}`,
    );
  }

  // after: archiveOnTermination
  const date = `max(termination + ${days(after.graceDays)}, own time + ${days(after.minDays)})`;
  if (before.kind === 'archiveOnTermination') {
    const shorter = after.graceDays < before.graceDays || after.minDays < before.minDays;
    const longer = after.graceDays > before.graceDays || after.minDays > before.minDays;
    return impact(
      shorter,
      longer,
      ...(shorter ? [`archived ${of} whose new date ${date} has passed will be deleted ${first}`] : []),
      ...(longer ? [`archived ${of} get the later date ${date}: ${LENGTHENED}`] : []),
    );
  }
  if (before.kind === 'fixed') {
    const earlier = after.minDays < before.days;
    return impact(
      earlier,
      true,
      `live ${of} lose their ${before.days}-day deadline: kept until termination, then archived: ${LENGTHENED}`,
      `${of} of tenants already terminated get the date ${date}${earlier ? `; those past it will be deleted ${first}` : ''}`,
    );
  }
  return impact(
    false,
    false,
    `no deadline of stored ${of} changes; at a later termination they will be archived and deleted at ${date} instead of deleted`,
  );
}
