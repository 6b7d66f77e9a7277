import type { ModuleId } from '#policy/index';
import type { Tenant, TenantStatus, TerminationJob, TerminationJobs } from '#store/ports';

/**
 * Opens the termination of one module of a tenant from `requestedAt`: capture refuses the module's
 * records from this moment. The first request wins (a repeat returns its job unchanged); the tenant
 * becomes `terminating` once no module it uses is left.
 */
export function openTermination(
  tenant: Tenant,
  module: ModuleId,
  requestedAt: string,
  jobs: TerminationJobs,
): Promise<TerminationJob> {
  const remaining = tenant.modules.filter((m) => m !== module && !tenant.terminations[m]);
  const status: TenantStatus = remaining.length === 0 ? 'terminating' : tenant.status;
  return jobs.open({ tenantId: tenant.id, module, status: 'pending', requestedAt, counts: {} }, status);
}

/** Whether every module a tenant uses has a completed termination: then the tenant is terminated. */
export function allModulesTerminated(tenant: Tenant, jobs: readonly TerminationJob[]): boolean {
  return tenant.modules.every((m) => jobs.some((j) => j.module === m && j.status === 'completed'));
}
