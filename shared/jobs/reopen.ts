import type { ErasureJob, TerminationJob } from '#store/ports';

// A termination or erasure that a legal hold kept from finishing is walked again from its first
// pass once the hold is released: on the release itself, or by the run that finds the release
// when it is about to complete. Deletions and archives already done stay counted.

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

/** Re-opens a termination at its first pass: what it kept is counted again by the walk. */
export function reopenTermination(job: TerminationJob): void {
  for (const counts of Object.values(job.counts)) {
    counts.kept = 0;
    delete counts.held;
  }
  Object.assign(job, { status: 'running', checkpoint: { pass: 1 } });
}

/** Re-opens an erasure at its first pass. */
export function reopenErasure(job: ErasureJob): void {
  delete job.held;
  Object.assign(job, { status: 'running', checkpoint: { pass: 1 } });
}
