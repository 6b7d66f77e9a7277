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
 * Whether a hold was released since a run left the data of `categories` because holds covered it:
 * true once one of them is no longer held. A log export is kept while a hold covers what it copies,
 * which its count does not say, so it counts as released only once no hold stands at all.
 */
export function releasedSince(categories: readonly string[], holds: readonly Hold[]): boolean {
  const held = heldBy(holds);
  const none = held !== 'all' && held.size === 0;
  return categories.some((category) => (category === 'log-export' ? none : !isHeld(held, category)));
}
