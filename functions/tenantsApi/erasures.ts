import { isExpired } from '#policy/index';
import type { ErasureJob, ErasureJobs, ObjectArchive, Tenant } from '#store/ports';

export interface ErasureListDeps {
  jobs: Pick<ErasureJobs, 'jobs'>;
  receipts: Pick<ObjectArchive, 'receipt'>;
}

/**
 * A tenant's erasure jobs, in flight and completed, newest request first, each completed one with
 * its receipt's content. The user is named only by the hash the receipt carries: the id a job keeps
 * while a legal hold defers part of it is never shown.
 */
export async function tenantErasures(tenant: Tenant, deps: ErasureListDeps, now: Date) {
  const jobs = [...(await deps.jobs.jobs(tenant.id))].sort(
    (a, b) => b.requestedAt.localeCompare(a.requestedAt) || a.erasureId.localeCompare(b.erasureId),
  );
  const erasures = await Promise.all(jobs.map((job) => view(job, deps, now)));
  return { tenantId: tenant.id, erasures };
}

async function view(job: ErasureJob, deps: ErasureListDeps, now: Date) {
  // A receipt past its own retention is no longer shown, even before the sweep has deleted it.
  const shown =
    job.receiptKey && !isExpired({ category: 'deletion-receipt', occurredAt: job.completedAt }, now);
  return {
    erasureId: job.erasureId,
    subject: job.subject,
    status: job.status,
    requestedAt: job.requestedAt,
    ...(job.completedAt ? { completedAt: job.completedAt } : {}),
    erased: job.erased,
    held: job.held ?? {},
    ...(shown && job.receiptKey
      ? { receiptKey: job.receiptKey, receipt: await deps.receipts.receipt(job.receiptKey) }
      : {}),
  };
}
