import { allowedFields, category, type ModuleId } from '#policy/index';
import { type Held, isHeld } from '#shared/holds';
import type { LogExport } from '#store/ports';
import { isLogName, LOGS } from '../logsApi/logs.ts';

// Which exports a termination or an erasure removes. An export copies the records of its log's
// categories, so it follows them: the module those categories belong to (the policy's catalog says
// which) and, for an erasure, whether those categories hold a user id and its filters could match
// the user. A legal hold on any category it copies keeps it, as it keeps the records themselves.

/** The exports to remove and how many a hold keeps. */
export interface ExportDecision {
  remove: LogExport[];
  held: number;
}

const categoriesOf = (job: LogExport) => (isLogName(job.log) ? Object.values(LOGS[job.log].categories) : []);

function decide(jobs: readonly LogExport[], copies: (job: LogExport) => boolean, held: Held): ExportDecision {
  const decision: ExportDecision = { remove: [], held: 0 };
  for (const job of jobs.filter(copies)) {
    if (categoriesOf(job).some((id) => isHeld(held, id))) decision.held += 1;
    else decision.remove.push(job);
  }
  return decision;
}

/** The exports of a module's logs: removed by its termination. */
export function moduleExports(jobs: readonly LogExport[], module: ModuleId, held: Held): ExportDecision {
  return decide(jobs, (job) => categoriesOf(job).some((id) => category(id).module === module), held);
}

/**
 * The exports that may hold a user's records: their log holds a category with a user id, and no
 * userId filter narrowed them to someone else (the filter is kept as the subject hash only).
 */
export function userExports(jobs: readonly LogExport[], subject: string, held: Held): ExportDecision {
  return decide(
    jobs,
    (job) =>
      categoriesOf(job).some((id) => allowedFields(id).includes('userId')) &&
      (job.userSubject === undefined || job.userSubject === subject),
    held,
  );
}
