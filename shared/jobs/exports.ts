import type { ExportFiles, ExportRef, LogExport, ResumableState } from '#store/ports';

// Log exports are copies of a tenant's records (the `log-export` operational record): termination
// and erasure remove those that copy what they remove. The decision and its counts are saved with
// the job before anything is removed (a write-ahead list, as for records), so a crash or a re-run
// removes the rest and counts nothing twice.

/** The reference a job keeps of an export it will remove. */
export const refOf = (job: LogExport): ExportRef => ({
  tenantId: job.tenantId,
  exportId: job.exportId,
  format: job.format,
  ...(job.objectKey ? { objectKey: job.objectKey } : {}),
});

/** Removes the exports a job decided to remove and had not confirmed, then saves the job. */
export async function finishExports(
  job: ResumableState,
  files: Pick<ExportFiles, 'remove'>,
  save: () => Promise<void>,
): Promise<void> {
  if (!job.exportsPending) return;
  for (const ref of job.exportsPending) await files.remove(ref);
  delete job.exportsPending;
  await save();
}
