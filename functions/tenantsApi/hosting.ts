import { type ModuleId, requiredHostingServices } from '#policy/index';
import { NotFound } from '#shared/errors';
import type { Tenant } from '#store/ports';
import { requestTermination, type TerminationDeps } from './terminations.ts';

/** A tenant's subscription to a hosting service begins (what Container Security requires). */
export async function startHosting(tenant: Tenant, service: string, deps: Pick<TerminationDeps, 'tenants'>) {
  const services = [...new Set([...(tenant.hostingServices ?? []), service])].sort();
  if (!(await deps.tenants.setHostingServices(tenant.id, services)))
    throw new NotFound(`There is no tenant ${tenant.id}.`);
  return { tenantId: tenant.id, hostingServices: services };
}

/**
 * A tenant's subscription to a hosting service ends. When no service a module requires is left,
 * the tenant no longer uses that module: its termination is requested, as the policy says.
 */
export async function endHosting(tenant: Tenant, service: string, deps: TerminationDeps, now: Date) {
  const services = (tenant.hostingServices ?? []).filter((s) => s !== service);
  if (!(await deps.tenants.setHostingServices(tenant.id, services)))
    throw new NotFound(`There is no tenant ${tenant.id}.`);
  const ended = tenant.modules.filter((module: ModuleId) => {
    const required = requiredHostingServices(module);
    return (
      required.length > 0 && !tenant.terminations[module] && !required.some((h) => services.includes(h.id))
    );
  });
  const termination = ended.length
    ? await requestTermination({ ...tenant, hostingServices: services }, ended, deps, now)
    : undefined;
  return { tenantId: tenant.id, hostingServices: services, ...(termination ? { termination } : {}) };
}
