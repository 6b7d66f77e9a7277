import { DAY_MS } from '#shared/time';
import { declarationOf, ruleOf } from './catalog.ts';
import { POLICY } from './declarations.ts';
import { RuleMismatchError } from './errors.ts';

/** One day: retention is counted in exact 24-hour days from the record's own UTC instant. */
export { DAY_MS };

/** A tenant's use of one module; terminating counts as terminated from its first moment. */
export type TenantModuleState =
  | { readonly status: 'active' }
  | { readonly status: 'terminated'; readonly terminatedAt: Date };

const plusDays = (time: Date, days: number) => new Date(time.getTime() + days * DAY_MS);

/**
 * The instant from which a record must no longer exist; `null` while it is kept for as long as
 * the tenant uses the feature.
 */
export function retentionDeadline(id: string, recordTime: Date, state: TenantModuleState): Date | null {
  const rule = ruleOf(id);
  switch (rule.kind) {
    case 'fixed':
      return plusDays(recordTime, rule.days);
    case 'untilTermination':
    case 'untilDeletedOrTermination':
      return state.status === 'terminated' ? state.terminatedAt : null;
    case 'archiveOnTermination':
      return state.status === 'terminated' ? archiveDeletionDate(id, recordTime, state.terminatedAt) : null;
  }
}

/** Deletion date of an archived record: max(terminatedAt + grace, recordTime + minimum). */
export function archiveDeletionDate(id: string, recordTime: Date, terminatedAt: Date): Date {
  const rule = ruleOf(id);
  if (rule.kind !== 'archiveOnTermination')
    throw new RuleMismatchError(`${id} is not archived on termination`);
  const afterGrace = plusDays(terminatedAt, rule.graceDays).getTime();
  const afterMinimum = plusDays(recordTime, rule.minDays).getTime();
  return new Date(Math.max(afterGrace, afterMinimum));
}

/** The deadline known when a record is captured for a live tenant (only `fixed` rules have one). */
export function captureDeadline(id: string, recordTime: Date): Date | null {
  return retentionDeadline(id, recordTime, { status: 'active' });
}

/** Whether a record may still be read: strictly before its deadline (the deadline instant is too late). */
export function isReadable(id: string, recordTime: Date, state: TenantModuleState, now: Date): boolean {
  const deadline = retentionDeadline(id, recordTime, state);
  return deadline === null || now.getTime() < deadline.getTime();
}

/** Whether a record has reached its deadline and must be deleted (or refused at capture). */
export function isPastDeadline(id: string, recordTime: Date, state: TenantModuleState, now: Date): boolean {
  return !isReadable(id, recordTime, state, now);
}

const MINUTE_MS = 60_000;
const { enforcement } = POLICY;

/**
 * The latest deadline a sweep running at `now` may act on: due at least the clock-skew margin ago,
 * so a sweep whose clock is ahead by up to the margin never deletes a record early.
 */
export function sweepCutoff(now: Date): Date {
  return new Date(now.getTime() - enforcement.clockSkewMarginMinutes * MINUTE_MS);
}

/** Minutes between two runs of the sweep (its schedule). */
export function sweepEveryMinutes(): number {
  return enforcement.sweepEveryMinutes;
}

/** The sweep alarm's threshold: a record overdue by more than two sweep intervals (issue 6), in seconds. */
export function sweepOverdueAlarmSeconds(): number {
  return 2 * sweepEveryMinutes() * 60;
}

/** The window of deletion dates an archived record is grouped in (its start, to the minute). */
export function archiveWindowOf(deadline: Date): string {
  const width = enforcement.archiveWindowMinutes * MINUTE_MS;
  return new Date(Math.floor(deadline.getTime() / width) * width).toISOString().slice(0, 16);
}

/**
 * The longest a record can outlive its deadline: a grouped archive waits for its window's last
 * deadline, the sweep acts only on what is a margin overdue, and runs once per cadence.
 */
export function worstCaseLatenessMinutes(storage: 'dynamodb' | 's3'): number {
  const window = storage === 's3' ? enforcement.archiveWindowMinutes : 0;
  return window + enforcement.clockSkewMarginMinutes + enforcement.sweepEveryMinutes;
}

/** The promise every deletion keeps: never more than this many minutes after the deadline. */
export function maxLatenessMinutes(): number {
  return enforcement.maxLatenessMinutes;
}

/**
 * Whole days after an S3 object's creation at which a lifecycle rule may expire it without ever
 * deleting a record early: the backstop behind the sweep's exact deletions.
 */
export function s3ExpirationBackstopDays(id: string): number {
  const declared = declarationOf(id);
  const { rule } = declared;
  // Archives are written at (or after) termination, so no archived record is due later than the
  // object's creation + max(grace, minimum); a receipt is kept a fixed time from its creation.
  // The extra day: a record's own time can lie a little after the object's creation (capture
  // accepts an occurredAt minutes in the future, and client, Lambda and S3 clocks differ), and S3
  // counts from the object's creation. S3 then rounds up to the next midnight UTC, never down.
  if (rule.kind === 'archiveOnTermination') return Math.max(rule.graceDays, rule.minDays) + 1;
  if (rule.kind === 'fixed' && declared.storage === 's3') return rule.days + 1;
  throw new RuleMismatchError(`${id} is not kept in object storage for a bounded time`);
}

/** For a `fixed` rule: the earliest own time a record may have and still be kept at `now`. */
export function oldestKeptRecordTime(id: string, now: Date): Date {
  return plusDays(now, -fixedDays(id));
}

/** The number of days of a `fixed` rule (for settings such as log retention that take days). */
export function fixedDays(id: string): number {
  const rule = ruleOf(id);
  if (rule.kind !== 'fixed') throw new RuleMismatchError(`${id} is not kept for a fixed time`);
  return rule.days;
}
