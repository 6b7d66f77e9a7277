import { prng } from './prng.ts';
import { FIELDS } from './records.ts';

// A generated history of log records for a few tenants, and the brute-force answer to any log
// query over it: what the logs API must return, computed from the captured records alone.

export const DAY_MS = 86_400_000;

/** A record as it was sent, with the tenant that sent it. */
export interface SentRecord {
  tenant: string;
  id: string;
  type: string;
  occurredAt: string;
  fields: Record<string, unknown>;
}

/** Which log shows a type, and the category of each (written out here, not taken from the code). */
export const LOG_OF_TYPE: Record<string, { log: string; category: string }> = {
  'user.login': { log: 'user-operations', category: 'user-operation-log' },
  'user.login_failed': { log: 'user-operations', category: 'user-operation-log' },
  'user.registered': { log: 'user-operations', category: 'user-operation-log' },
  'user.registration_failed': { log: 'user-operations', category: 'user-operation-log' },
  'user.deleted': { log: 'user-operations', category: 'user-operation-log' },
  'message.sms_sent': { log: 'user-operations', category: 'user-operation-log' },
  'message.email_sent': { log: 'user-operations', category: 'user-operation-log' },
  'admin.action': { log: 'admin-actions', category: 'admin-action-log' },
  'api.invocation': { log: 'api-invocations', category: 'api-invocation-log' },
  'security.asset': { log: 'security', category: 'asset-management-data' },
  'security.container_event': { log: 'security', category: 'container-security-data' },
  'security.business_report': { log: 'security', category: 'business-operation-data' },
  'security.product_config': { log: 'security', category: 'product-configuration-data' },
  'security.version': { log: 'security', category: 'version-management-data' },
};

/** The `category` filter's names for the security categories. */
export const SECURITY_CATEGORY: Record<string, string> = {
  asset: 'asset-management-data',
  'container-security': 'container-security-data',
  'business-operation': 'business-operation-data',
  configuration: 'product-configuration-data',
  version: 'version-management-data',
};

/** The filters of each log. */
export const LOG_FILTERS: Record<string, string[]> = {
  'admin-actions': ['type', 'appId', 'uin', 'requestId', 'requestSource'],
  'user-operations': ['type', 'userId', 'result', 'country'],
  'api-invocations': ['type', 'requestIp'],
  security: ['type', 'category', 'serverId', 'containerId', 'severity'],
};

const IMPLIED: Record<string, string> = {
  'user.login': 'success',
  'user.login_failed': 'failure',
  'user.registered': 'success',
  'user.registration_failed': 'failure',
};

/** The value a record has for a filter (undefined when it has none). */
export function filterValue(record: SentRecord, filter: string): unknown {
  if (filter === 'type') return record.type;
  if (filter === 'category')
    return Object.entries(SECURITY_CATEGORY).find(([, c]) => c === LOG_OF_TYPE[record.type]?.category)?.[0];
  if (filter === 'result') return record.fields.result ?? IMPLIED[record.type];
  return record.fields[filter];
}

/** `n` records per tenant spread over `days` days before `end`, some at the same instant. */
export function logHistory(tenants: readonly string[], n: number, days: number, end: Date, seed: number) {
  const random = prng(seed);
  const types = Object.keys(LOG_OF_TYPE);
  const records: SentRecord[] = [];
  for (const tenant of tenants) {
    let previous = end.getTime() - DAY_MS;
    for (let i = 0; i < n; i++) {
      const type = random.pick(types);
      // One in eight records shares its instant with the one before (the id breaks the tie).
      const time = random.int(0, 7) === 0 ? previous : end.getTime() - random.int(1, days * DAY_MS);
      previous = time;
      const fields: Record<string, unknown> = {
        ...(FIELDS as Record<string, Record<string, unknown>>)[type],
      };
      if ('userId' in fields) fields.userId = random.pick(['u-1', 'u-2', 'u-3', 'u-4']);
      if ('country' in fields) fields.country = random.pick(['DE', 'FR', 'JP']);
      if (type.startsWith('user.') && 'result' in fields && random.int(0, 1) === 0) delete fields.result;
      if (type === 'admin.action') {
        fields.appId = random.pick(['app-1', 'app-2', 'app-3']);
        fields.uin = random.pick(['100001', '100002']);
        fields.requestId = `req-${random.int(1, 6)}`;
        fields.requestSource = random.pick(['console', 'api']);
      }
      if (type === 'api.invocation')
        fields.requestIp = random.pick(['192.0.2.1', '192.0.2.2', '2001:db8::7']);
      if (type === 'security.asset') fields.serverId = random.pick(['srv-1', 'srv-2']);
      if (type === 'security.container_event') {
        fields.containerId = random.pick(['ct-1', 'ct-2', 'ct-3']);
        fields.severity = random.pick(['low', 'high', 'critical']);
      }
      // Every tenant uses the same ids: ids are per tenant, and no read may mix two tenants' records.
      records.push({ tenant, id: `log-${i}`, type, occurredAt: new Date(time).toISOString(), fields });
    }
  }
  return records;
}

/** What a query must return, by brute force: the tenant's records of the log in the window, filtered, newest first. */
export function expectedIds(
  records: readonly SentRecord[],
  query: {
    tenant: string;
    log: string;
    from: Date;
    to: Date;
    filters: Record<string, string>;
    readable?: (r: SentRecord) => boolean;
  },
): string[] {
  return records
    .filter(
      (r) =>
        r.tenant === query.tenant &&
        LOG_OF_TYPE[r.type]?.log === query.log &&
        Date.parse(r.occurredAt) >= query.from.getTime() &&
        Date.parse(r.occurredAt) < query.to.getTime() &&
        Object.entries(query.filters).every(([name, value]) => filterValue(r, name) === value) &&
        (query.readable ? query.readable(r) : true),
    )
    .sort((a, b) => {
      const ka = `${a.occurredAt}#${a.id}`;
      const kb = `${b.occurredAt}#${b.id}`;
      return ka < kb ? 1 : ka > kb ? -1 : 0;
    })
    .map((r) => r.id);
}
