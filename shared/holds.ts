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
