import { dayDueWindow, recordDeadline } from './lifecycle.ts';
import type { TenantModuleState } from './retention.ts';

/**
 * A stored item; its deadline follows from `category`, `occurredAt` and, once its module is
 * terminated (an archive, or an index entry of a terminated tenant), `terminatedAt`.
 */
type StoredItem = object;

/** The module state an item carries: terminated when it names the termination, else active. */
export function stateOf(terminatedAt: unknown): TenantModuleState {
  const at = typeof terminatedAt === 'string' ? new Date(terminatedAt) : undefined;
  return at && !Number.isNaN(at.getTime())
    ? { status: 'terminated', terminatedAt: at }
    : { status: 'active' };
}

/**
 * The deadline the policy gives a stored item now, from its category and own time (and the
 * termination, if it names one): `null` while it is kept as long as the tenant uses the feature.
 * The policy decides, not a date stamped at write time, so reads and the sweep agree with it; an
 * item of something the policy no longer declares is past its deadline.
 */
export function storedDeadline(item: StoredItem): Date | null {
  const { category, occurredAt, terminatedAt, kind, bucketCategory, day } = item as Record<string, unknown>;
  // A day bucket of the sweep's index is needed until the last of its day's records is due.
  if (kind === 'day-bucket' && typeof bucketCategory === 'string' && typeof day === 'string')
    return dayDueWindow(bucketCategory, day, stateOf(terminatedAt))?.to ?? null;
  if (typeof category !== 'string' || typeof occurredAt !== 'string') return null;
  const recordTime = new Date(occurredAt);
  if (Number.isNaN(recordTime.getTime())) return null;
  return recordDeadline(category, recordTime, stateOf(terminatedAt));
}

/** Whether a stored item is past its deadline at `now` (TTL and the sweep may not have acted yet). */
export function isExpired(item: StoredItem, now: Date): boolean {
  return readableDeadline(item, now) === undefined;
}

/**
 * The deadline of a stored item that may still be read at `now` (null: the policy gives it none),
 * or undefined when it is past its deadline: `isExpired` and `storedDeadline` in one evaluation.
 */
export function readableDeadline(item: StoredItem, now: Date): Date | null | undefined {
  const deadline = storedDeadline(item);
  return deadline !== null && now.getTime() >= deadline.getTime() ? undefined : deadline;
}

/** The items of a read that may still be returned at `now`. */
export function readable<T extends StoredItem>(items: readonly T[], now: Date): T[] {
  return items.filter((item) => !isExpired(item, now));
}
