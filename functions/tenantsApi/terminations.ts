import * as v from 'valibot';
import { badRequest, notFound, unprocessable } from '#http/problem';
import { type ModuleId, POLICY } from '#policy/index';
import { isExpired } from '#store/expiry';
import type { NamedQueue } from '#store/queue';
import type { TenantStore } from '#store/tenants';
import type { DynamoTerminationStore, TerminationJob } from '#store/terminations';

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
  terminations: DynamoTerminationStore;
  hooks: NamedQueue;
  receipts: { receipt(key: string): Promise<unknown> };
}

/** The hook message every termination consumer understands, whoever sends it. */
export interface TerminationHook {
  tenantId: string;
  module: ModuleId;
  requestedAt: string;
}

/**
 * Requests the termination of modules of a tenant: marks them at once (capture answers 410 from
 * this moment) and sends one hook per module. Repeating the request changes nothing but re-sends
 * the hooks, which the consumer handles idempotently.
 */
export async function requestTermination(tenantId: string, body: unknown, deps: TerminationDeps, now: Date) {
  const tenant = await deps.tenants.get(tenantId);
  if (!tenant) throw notFound(`There is no tenant ${tenantId}.`);
  const parsed = v.safeParse(TerminationRequest, body);
  if (!parsed.success) {
    const issues = parsed.issues.map((i) => ({
      pointer: `/${(i.path ?? []).map((p) => String(p.key)).join('/')}`,
      detail: i.message,
    }));
    throw badRequest('The termination request is invalid; nothing was changed.', { issues });
  }
  const modules = [...new Set(parsed.output.modules)];
  const unused = modules.filter((m) => !tenant.modules.includes(m));
  if (unused.length > 0) throw unprocessable(`Tenant ${tenantId} does not use ${unused.join(', ')}.`);
  const jobs: TerminationJob[] = [];
  for (const module of modules) jobs.push(await deps.terminations.request(tenant, module, now.toISOString()));
  const hooks: TerminationHook[] = jobs.map((job) => ({
    tenantId,
    module: job.module,
    requestedAt: job.requestedAt,
  }));
  await deps.hooks.sendAll(hooks);
  return { tenantId, modules: jobs.map(view) };
}

/** Where the terminations of a tenant stand, with the receipts of those completed (404 when none was requested). */
export async function terminationStatus(
  tenantId: string,
  deps: Pick<TerminationDeps, 'terminations' | 'receipts'>,
  now: Date,
) {
  const jobs = await deps.terminations.jobs(tenantId);
  if (jobs.length === 0) throw notFound(`No termination was requested for tenant ${tenantId}.`);
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
