import type { Tenant } from '#store/ports';
import { LOGS, type LogName } from './logs.ts';

/** One filter of a log as a client offers it: its name, and the values it accepts when they are few. */
export interface CatalogFilter {
  name: string;
  options?: string[];
}

/**
 * The logs a tenant may read (those of the modules it uses and has not terminated), each with its
 * filters: what the console offers, so it never asks for a log the API would refuse.
 */
export function logCatalog(tenant: Tenant) {
  const logs = Object.values(LOGS)
    .filter((log) => tenant.modules.includes(log.module) && !tenant.terminations[log.module])
    .map((log) => ({
      log: log.name as LogName,
      module: log.module,
      filters: Object.entries(log.filters).map(([name, filter]): CatalogFilter => {
        const options = (filter.schema as { options?: unknown }).options;
        return Array.isArray(options) ? { name, options: options.map(String) } : { name };
      }),
    }));
  return { tenantId: tenant.id, logs };
}
