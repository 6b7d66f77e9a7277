import { allowedFields, category, type ModuleId } from '#policy/index';
import { type Held, isHeld } from '#shared/holds';
import type { LogExport } from '#store/ports';

// Which exports a termination or an erasure removes. An export copies the records of the
// categories its query reads (recorded on the job when it is asked for), so it follows them: the
// module those categories belong to (the policy's catalog says which) and, for an erasure, whether
// they hold a user id and its filters could match the user. A legal hold on any category it copies
// keeps it, as it keeps the records themselves. A job that does not name its categories (asked for
// before they were recorded), or names one the policy no longer declares, is treated as copying
// anything: removed by every termination and erasure, kept by any standing hold. Removing a copy
// early costs the tenant a new export; keeping one too long would break the policy.

/** The exports to remove and how many a hold keeps. */
export interface ExportDecision {
  remove: LogExport[];
  held: number;
}

function declared(id: string): { module: ModuleId; userId: boolean } | undefined {
  try {
    return { module: category(id).module as ModuleId, userId: allowedFields(id).includes('userId') };
  } catch {
    return undefined;
  }
}

/** What a job copies, or undefined when it cannot say. */
function copiedBy(job: LogExport) {
  const found = (job.categories ?? []).map(declared);
  if (!job.categories?.length || found.some((c) => c === undefined)) return undefined;
  return found as Array<{ module: ModuleId; userId: boolean }>;
}

function decide(jobs: readonly LogExport[], copies: (job: LogExport) => boolean, held: Held): ExportDecision {
  const decision: ExportDecision = { remove: [], held: 0 };
  for (const job of jobs.filter(copies)) {
    const keeps =
      job.categories && copiedBy(job)
        ? job.categories.some((id) => isHeld(held, id))
        : held === 'all' || held.size > 0;
    if (keeps) decision.held += 1;
    else decision.remove.push(job);
  }
  return decision;
}

/** The exports of a module's logs: removed by its termination. */
export function moduleExports(jobs: readonly LogExport[], module: ModuleId, held: Held): ExportDecision {
  return decide(jobs, (job) => copiedBy(job)?.some((c) => c.module === module) ?? true, held);
}

/**
 * The exports that may hold a user's records: they copy a category with a user id, and no userId
 * filter narrowed them to someone else (the filter is kept as the subject hash only).
 */
export function userExports(jobs: readonly LogExport[], subject: string, held: Held): ExportDecision {
  return decide(
    jobs,
    (job) =>
      (copiedBy(job)?.some((c) => c.userId) ?? true) &&
      (job.userSubject === undefined || job.userSubject === subject),
    held,
  );
}
