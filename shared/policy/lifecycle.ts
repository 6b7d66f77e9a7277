import { addDays, startOfDay } from '#shared/time';
import { declarationOf, ruleOf, type TerminationAction, terminationActionOf } from './catalog.ts';
import { POLICY } from './declarations.ts';
import { retentionDeadline } from './retention.ts';

/**
 * When the records of one UTC day of a category fall due: from the deadline of the day's first
 * instant to that of its last (null while the rule gives no deadline to live records). The sweep
 * files a day's records under this window, one index entry per tenant, day and category.
 */
export function dayDueWindow(id: string, day: string): { from: Date; to: Date } | null {
  const from = retentionDeadline(id, startOfDay(day), { status: 'active' });
  const to = retentionDeadline(id, startOfDay(addDays(day, 1)), { status: 'active' });
  return from && to ? { from, to } : null;
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
