import { POLICY_VERSION } from '#policy/index';
import type { PolicyState, ReconciliationJob } from '#store/policy-state';

/** A reconciliation as operators read it: its job without the bookkeeping (lease, pending writes). */
function viewOf(job: ReconciliationJob) {
  const { pending: _pending, leaseUntil: _lease, cursor: _cursor, ...view } = job;
  const remaining = Math.max(0, job.tenants.total - job.tenants.done);
  return { ...view, tenants: { ...job.tenants, remaining } };
}

/**
 * What `GET /v1/ops/reconciliations` shows: the policy the code was deployed with, the one the
 * stored data is under, and every reconciliation (newest first) with its changes and counts.
 */
export async function reconciliationStatus(state: Pick<PolicyState, 'inForce' | 'jobs'>) {
  const [inForce, jobs] = await Promise.all([state.inForce(), state.jobs()]);
  return {
    deployed: POLICY_VERSION,
    inForce: inForce ?? null,
    reconciliations: jobs.map(viewOf),
  };
}
