import { randomUUID } from 'node:crypto';
import type { LogRead, LogReadAudit, Tenant } from '#store/ports';
import type { LogName } from './logs.ts';
import { type LogDeps, type LogQuery, readLog } from './query.ts';

// Every read of the logs is recorded (the `log-read` operational record) before it answers: an
// audit that could be lost silently would be no audit, so a read whose record cannot be written
// fails. Filter values are kept only where they come from a closed vocabulary of the API (a record
// type, an operation result, a security category or severity, a country code), which names no one.
// Every other filter is free text that can single out a person or their device: userId (an end
// user), uin (a cloud account, often one person's), requestIp (an IP address is personal data),
// and appId, requestId, requestSource, serverId, containerId (ids that lead back to one record, a
// machine or its user). Those are kept by name only.

/** The filters whose values the audit keeps. */
export const NON_PERSONAL_FILTERS: ReadonlySet<string> = new Set([
  'type',
  'result',
  'category',
  'severity',
  'country',
]);

/** What an audited read was. */
export interface ReadFacts {
  action: LogRead['action'];
  log: LogName;
  filters: Readonly<Record<string, string>>;
  from: string;
  to: string;
  continued?: boolean;
  returned?: number;
  exportId?: string;
}

/** The audit record of one read: the filters' names, and only their non-personal values. */
export function logReadOf(tenant: Tenant, facts: ReadFacts, at: Date): LogRead {
  const names = Object.keys(facts.filters).sort();
  const { filters, ...rest } = facts;
  return {
    tenantId: tenant.id,
    readId: randomUUID(),
    readAt: at.toISOString(),
    route: facts.action === 'export' ? `POST /v1/logs/${facts.log}/exports` : `GET /v1/logs/${facts.log}`,
    ...rest,
    filterNames: names,
    filters: Object.fromEntries(
      names.filter((n) => NON_PERSONAL_FILTERS.has(n)).map((n) => [n, filters[n] as string]),
    ),
  };
}

/** Records a read; throws (and so fails the read) when the record cannot be written. */
export async function audit(store: LogReadAudit, tenant: Tenant, facts: ReadFacts, at: Date): Promise<void> {
  await store.record(logReadOf(tenant, facts, at));
}

/** A page of a log query, returned only once its audit record is written. */
export async function readAudited(
  input: { tenant: Tenant; query: LogQuery },
  deps: LogDeps & { audit: LogReadAudit },
) {
  const page = await readLog(input, deps);
  const { tenant, query } = input;
  const facts: ReadFacts = {
    action: 'query',
    log: query.log,
    filters: query.filters,
    from: page.from,
    to: page.to,
    continued: query.cursor !== undefined,
    returned: page.items.length,
  };
  await audit(deps.audit, tenant, facts, deps.now());
  return page;
}
