import { addDays, DAY_MS, startOfDay } from '#shared/time';
import { declarationOf, ruleOf, type TerminationAction, terminationActionOf } from './catalog.ts';
import { POLICY } from './declarations.ts';
import { retentionDeadline, type TenantModuleState } from './retention.ts';

const ACTIVE: TenantModuleState = { status: 'active' };
/** The deadline of what the policy no longer declares: it has passed (see `recordDeadline`). */
const LONG_AGO = new Date(0);
/** Later than any record's own time, and still a four-digit year (key ranges compare strings). */
const END_OF_TIME = new Date('9999-12-31T23:59:59.999Z');

/** Whether the policy declares `id` as a category or an operational record. */
export function isDeclared(id: string): boolean {
  try {
    declarationOf(id);
    return true;
  } catch {
    return false;
  }
}

/**
 * The deadline of a stored record of `id` with its own time, for a tenant whose module is in
 * `state`; `null` while it is kept as long as the tenant uses the feature. A record of something
 * the policy no longer declares is past its deadline: nothing is kept without a declared purpose.
 */
export function recordDeadline(id: string, recordTime: Date, state: TenantModuleState = ACTIVE): Date | null {
  return isDeclared(id) ? retentionDeadline(id, recordTime, state) : LONG_AGO;
}

/**
 * When the records of one UTC day of a category fall due: from the deadline of the day's first
 * instant to that of its last (null while the rule gives them no deadline). The sweep files a
 * day's records under this window, one index entry per tenant, day and category. Every rule's
 * deadline grows with the record's own time, so the day's two ends bound all of its records.
 */
export function dayDueWindow(
  id: string,
  day: string,
  state: TenantModuleState = ACTIVE,
): { from: Date; to: Date } | null {
  const from = recordDeadline(id, startOfDay(day), state);
  const to = recordDeadline(id, startOfDay(addDays(day, 1)), state);
  return from && to ? { from, to } : null;
}

/**
 * The latest own time a record of `id` may have and be due by `cutoff` (every record up to it is
 * due, none after it); `null` when none is. What the sweep deletes of a day's records is this key
 * range, whatever the rule.
 */
export function latestDueRecordTime(
  id: string,
  cutoff: Date,
  state: TenantModuleState = ACTIVE,
): Date | null {
  if (!isDeclared(id)) return END_OF_TIME;
  const rule = ruleOf(id);
  const terminatedBy = (offsetDays: number) =>
    state.status === 'terminated' && state.terminatedAt.getTime() + offsetDays * DAY_MS <= cutoff.getTime();
  switch (rule.kind) {
    case 'fixed':
      return new Date(cutoff.getTime() - rule.days * DAY_MS);
    case 'untilTermination':
    case 'untilDeletedOrTermination':
      return terminatedBy(0) ? END_OF_TIME : null;
    case 'archiveOnTermination':
      return terminatedBy(rule.graceDays) ? new Date(cutoff.getTime() - rule.minDays * DAY_MS) : null;
  }
}

/**
 * What a termination does to a stored item of `id` (a category or an operational record): delete
 * what is kept only while the feature is used, archive what the policy archives, keep the rest to
 * its own deadline.
 */
export function terminationActionFor(id: string): TerminationAction {
  declarationOf(id); // undeclared: UnknownCategoryError
  return terminationActionOf(ruleOf(id));
}

/**
 * The clock skew every time comparison allows for: how far a client's or another function's clock
 * may run ahead of ours (a record's time, a hook's request time) and how long the sweep waits past a
 * deadline before it acts.
 */
export function maxClockSkewMs(): number {
  return POLICY.enforcement.clockSkewMarginMinutes * 60_000;
}

/** A hosting service a module can only be used with (id and name). */
export interface HostingService {
  id: string;
  name: string;
}

/** The hosting services one of which a module requires (none: the module needs no hosting). */
export function requiredHostingServices(module: string): readonly HostingService[] {
  const declared = (POLICY.modules as Record<string, { requiresHosting?: readonly HostingService[] }>)[
    module
  ];
  return declared?.requiresHosting ?? [];
}
