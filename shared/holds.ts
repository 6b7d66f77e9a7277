import type { Hold } from '#store/ports';

/** The categories a tenant's standing holds cover: `all`, a set of categories, or none. */
export type Held = 'all' | ReadonlySet<string>;

/** What the standing (not released) holds of a tenant cover. */
export function heldBy(holds: readonly Hold[]): Held {
  const standing = holds.filter((h) => !h.releasedAt);
  if (standing.some((h) => h.categories.includes('*'))) return 'all';
  return new Set(standing.flatMap((h) => h.categories));
}

/** Whether a category's data is held (nothing of it may be deleted while it is). */
export const isHeld = (held: Held, category: string) => held === 'all' || held.has(category);

/**
 * Whether a hold was released since a run left the records of `categories` because holds covered
 * them: true once one of them is no longer held. Log exports are kept for what they copy, which
 * their count does not name: the run decides them again (functions/exportLogs/removal.ts).
 */
export function releasedSince(categories: readonly string[], holds: readonly Hold[]): boolean {
  const held = heldBy(holds);
  return categories.some((category) => category !== 'log-export' && !isHeld(held, category));
}
