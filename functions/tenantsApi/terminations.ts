import * as v from 'valibot';
import { isExpired, type ModuleId, POLICY } from '#policy/index';
import { InvalidInput, NotFound, PolicyRefusal } from '#shared/errors';
import { openTermination } from '#shared/jobs/open-termination';
import type { TerminationHook } from '#shared/messages';
import { issuesOf } from '#shared/validation';
import type {
  MessageQueue,
  ObjectArchive,
  Tenant,
  TenantStore,
  TerminationJob,
  TerminationJobs,
} from '#store/ports';

const moduleIds = Object.keys(POLICY.modules) as [ModuleId, ...ModuleId[]];
const TerminationRequest = v.strictObject({
  modules: v.pipe(
    v.array(
      v.picklist(moduleIds, `modules may only contain ${moduleIds.join(', ')}`),
      'modules must be an array',
    ),
    v.minLength(1, 'modules must name at least one module'),
  ),
});

export interface TerminationDeps {
  tenants: TenantStore;
  jobs: TerminationJobs;
  hooks: MessageQueue;
  receipts: Pick<ObjectArchive, 'receipt'>;
}

/** Parses the body of a termination request: the modules to terminate. */
export function modulesToTerminate(body: unknown): ModuleId[] {
  const parsed = v.safeParse(TerminationRequest, body);
  if (!parsed.success)
    throw new InvalidInput(
      'The termination request is invalid; nothing was changed.',
      issuesOf(parsed.issues),
    );
  return [...new Set(parsed.output.modules)];
}

/**
 * Requests the termination of modules of a tenant: marks them at once (capture answers 410 from
 * this moment) and sends one hook per module. Repeating the request changes nothing but re-sends
 * the hooks, which the consumer handles idempotently.
 */
export async function requestTermination(
  tenant: Tenant,
  modules: ModuleId[],
  deps: TerminationDeps,
  now: Date,
) {
  const unused = modules.filter((m) => !tenant.modules.includes(m));
  if (unused.length > 0)
    throw new PolicyRefusal(`Tenant ${tenant.id} does not use ${unused.join(', ')}.`, [
      { pointer: '/modules', detail: `not used by the tenant: ${unused.join(', ')}` },
    ]);
  const jobs: TerminationJob[] = [];
  let current = tenant;
  for (const module of modules) {
    const job = await openTermination(current, module, now.toISOString(), deps.jobs);
    jobs.push(job);
    current = { ...current, terminations: { ...current.terminations, [module]: job.requestedAt } };
  }
  const hooks: TerminationHook[] = jobs.map((job) => ({
    tenantId: tenant.id,
    module: job.module,
    requestedAt: job.requestedAt,
  }));
  await deps.hooks.sendAll(hooks);
  return { tenantId: tenant.id, modules: jobs.map(view) };
}

/** Where the terminations of a tenant stand, with the receipts of those completed (NotFound when none was requested). */
export async function terminationStatus(
  tenantId: string,
  deps: Pick<TerminationDeps, 'jobs' | 'receipts'>,
  now: Date,
) {
  const jobs = await deps.jobs.jobs(tenantId);
  if (jobs.length === 0) throw new NotFound(`No termination was requested for tenant ${tenantId}.`);
  const status = jobs.every((j) => j.status === 'completed')
    ? 'completed'
    : jobs.some((j) => j.status !== 'pending')
      ? 'running'
      : 'pending';
  // A receipt past its own retention is no longer shown, even before the sweep has deleted it.
  const receiptKeys = jobs.flatMap((j) =>
    j.receiptKey && !isExpired({ category: 'deletion-receipt', occurredAt: j.completedAt }, now)
      ? [j.receiptKey]
      : [],
  );
  const receipts = await Promise.all(receiptKeys.map((key) => deps.receipts.receipt(key)));
  return { tenantId, status, modules: jobs.map(view), ...(receipts.length ? { receipts } : {}) };
}

function view(job: TerminationJob) {
  return {
    module: job.module,
    status: job.status,
    requestedAt: job.requestedAt,
    ...(job.completedAt ? { completedAt: job.completedAt } : {}),
    ...(job.receiptKey ? { receipt: job.receiptKey } : {}),
  };
}
