import { type Held, heldBy, releasedSince } from '#shared/holds';
import type { ErasureJob, Hold, TerminationJob } from '#store/ports';

// A termination or erasure that a legal hold kept from finishing is walked again from its first
// pass once the hold is released: on the release itself (the jobs store's `reopen`), or by the run
// that finds the release when it is about to complete. Deletions and archives done stay counted.

/** The categories a termination left because a hold covered them. */
export const heldByTermination = (job: TerminationJob): string[] =>
  Object.entries(job.counts)
    .filter(([, counts]) => (counts.held ?? 0) > 0)
    .map(([category]) => category);

/** The categories an erasure left because a hold covered them. */
export const heldByErasure = (job: ErasureJob): string[] =>
  Object.entries(job.held ?? {})
    .filter(([, count]) => count > 0)
    .map(([category]) => category);

/**
 * Whether a hold was released since a run left data for holds: a category of records it left is
 * no longer held, or fewer of the `exportsKept` log exports it kept would be kept now
 * (`exportsKeptNow` decides them again against the holds standing now).
 */
export async function heldNoLonger(
  left: readonly string[],
  exportsKept: number,
  holds: readonly Hold[],
  exportsKeptNow: (held: Held) => Promise<number>,
): Promise<boolean> {
  if (releasedSince(left, holds)) return true;
  return exportsKept > 0 && (await exportsKeptNow(heldBy(holds))) < exportsKept;
}
