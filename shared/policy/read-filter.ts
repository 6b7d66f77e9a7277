import { declarationOf } from './catalog.ts';
import { dayDueWindow } from './lifecycle.ts';
import { archiveDeletionDate, retentionDeadline } from './retention.ts';

/** A stored item; its deadline follows from `category`, `occurredAt` and, if archived, `terminatedAt`. */
type StoredItem = object;

const isDeclared = (id: string) => {
  try {
    declarationOf(id);
    return true;
  } catch {
    return false;
  }
};

/**
 * The deadline the policy gives a stored item now, from its category and own time (and, for an
 * archived object, the termination): `null` while it is kept as long as the tenant uses the feature.
 * The policy decides, not a date stamped at write time, so reads and the sweep agree with it.
 */
export function storedDeadline(item: StoredItem): Date | null {
  const { category, occurredAt, terminatedAt, kind, bucketCategory, day } = item as Record<string, unknown>;
  // A day bucket of the sweep's index is needed until the last of its day's records is due.
  if (kind === 'day-bucket' && typeof bucketCategory === 'string' && typeof day === 'string')
    return isDeclared(bucketCategory) ? (dayDueWindow(bucketCategory, day)?.to ?? null) : null;
  if (typeof category !== 'string' || typeof occurredAt !== 'string' || !isDeclared(category)) return null;
  const recordTime = new Date(occurredAt);
  if (Number.isNaN(recordTime.getTime())) return null;
  if (typeof terminatedAt === 'string')
    return archiveDeletionDate(category, recordTime, new Date(terminatedAt));
  return retentionDeadline(category, recordTime, { status: 'active' });
}

/** Whether a stored item is past its deadline at `now` (TTL and the sweep may not have acted yet). */
export function isExpired(item: StoredItem, now: Date): boolean {
  const deadline = storedDeadline(item);
  return deadline !== null && now.getTime() >= deadline.getTime();
}

/** The items of a read that may still be returned at `now`. */
export function readable<T extends StoredItem>(items: readonly T[], now: Date): T[] {
  return items.filter((item) => !isExpired(item, now));
}
