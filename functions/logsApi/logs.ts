import { isIP } from 'node:net';
import * as v from 'valibot';
import { type CategoryId, category, categoryOf, type ModuleId, recordTypes } from '#policy/index';
import type { Item } from '#store/ports';

// The four logs a tenant can read, each the records of one or more policy categories, and the
// filters each offers (its natural keys). Which category a log shows is a naming of the API; how
// long any of it is kept is the policy's alone.

export type LogName = 'admin-actions' | 'user-operations' | 'api-invocations' | 'security';

/** A filter on a natural key: the values it accepts, and whether a stored record matches one. */
export interface LogFilter {
  schema: v.GenericSchema<string, string>;
  matches: (item: Item, value: string) => boolean;
}

export interface LogDefinition {
  name: LogName;
  module: ModuleId;
  /** The categories shown, by the name the `category` filter uses (one unnamed category otherwise). */
  categories: Readonly<Record<string, CategoryId>>;
  filters: Readonly<Record<string, LogFilter>>;
}

const printable = (s: string) => [...s].every((c) => c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f);
const text = (max: number) =>
  v.pipe(
    v.string(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(max, `must be at most ${max} characters long`),
    v.check(printable, 'must not contain control characters'),
  );
const ip = v.pipe(
  v.string(),
  v.check((s) => s.length <= 45 && !s.includes('%') && isIP(s) !== 0, 'must be an IPv4 or IPv6 address'),
);
const oneOf = (options: readonly string[]) =>
  v.picklist(options as string[], `must be one of: ${options.join(', ')}`);

const dataOf = (item: Item) => (item.data ?? {}) as Record<string, unknown>;
/** A filter on one stored field of the record's data. */
const field = (name: string, schema: v.GenericSchema<string, string>): LogFilter => ({
  schema,
  matches: (item, value) => dataOf(item)[name] === value,
});

/** The record types of a set of categories (what the `type` filter accepts). */
const typesOf = (categories: readonly string[]) =>
  recordTypes().filter((type) => categories.includes(categoryOf(type).id));

function log(
  name: LogName,
  categories: Record<string, CategoryId>,
  filters: Record<string, LogFilter>,
): LogDefinition {
  const ids = Object.values(categories);
  const modules = new Set(ids.map((id) => category(id).module));
  if (modules.size !== 1) throw new Error(`Log ${name} must show the categories of one module`);
  return {
    name,
    module: [...modules][0] as ModuleId,
    categories,
    filters: {
      type: { schema: oneOf(typesOf(ids)), matches: (item, value) => item.type === value },
      ...filters,
    },
  };
}

/** The operation result a user-operation record states, or that its type implies. */
function resultOf(item: Item): unknown {
  const stated = dataOf(item).result;
  if (stated !== undefined) return stated;
  try {
    return categoryOf(String(item.type)).impliedResult;
  } catch {
    return undefined;
  }
}

const SECURITY_CATEGORIES: Record<string, CategoryId> = {
  asset: 'asset-management-data',
  'container-security': 'container-security-data',
  'business-operation': 'business-operation-data',
  configuration: 'product-configuration-data',
  version: 'version-management-data',
};

export const LOGS: Readonly<Record<LogName, LogDefinition>> = {
  'admin-actions': log(
    'admin-actions',
    { '': 'admin-action-log' },
    {
      appId: field('appId', text(128)),
      uin: field('uin', text(64)),
      requestId: field('requestId', text(128)),
      requestSource: field('requestSource', text(64)),
    },
  ),
  'user-operations': log(
    'user-operations',
    { '': 'user-operation-log' },
    {
      userId: field('userId', text(128)),
      result: { schema: oneOf(['success', 'failure']), matches: (item, value) => resultOf(item) === value },
      country: field(
        'country',
        v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')),
      ),
    },
  ),
  'api-invocations': log(
    'api-invocations',
    { '': 'api-invocation-log' },
    { requestIp: field('requestIp', ip) },
  ),
  security: log('security', SECURITY_CATEGORIES, {
    category: {
      schema: oneOf(Object.keys(SECURITY_CATEGORIES)),
      matches: (item, value) => item.category === SECURITY_CATEGORIES[value],
    },
    serverId: field('serverId', text(128)),
    containerId: field('containerId', text(128)),
    severity: field('severity', oneOf(['low', 'medium', 'high', 'critical'])),
  }),
};

/** Whether `name` is one of the logs (own keys only: "constructor" is no log). */
export const isLogName = (name: unknown): name is LogName =>
  typeof name === 'string' && Object.hasOwn(LOGS, name);

/**
 * The categories a query must read: the `category` and `type` filters narrow the key ranges read
 * (they are part of the key); every other filter is applied to the records of those ranges.
 */
export function categoriesToRead(
  definition: LogDefinition,
  filters: Readonly<Record<string, string>>,
): CategoryId[] {
  let ids = Object.values(definition.categories);
  const named = filters.category;
  if (named !== undefined) ids = ids.filter((id) => id === definition.categories[named]);
  if (filters.type !== undefined) ids = ids.filter((id) => id === categoryOf(filters.type as string).id);
  return ids;
}

/** Whether a stored record matches every filter of a query. */
export function matcherOf(definition: LogDefinition, filters: Readonly<Record<string, string>>) {
  const checks = Object.entries(filters).map(([name, value]) => {
    const filter = definition.filters[name];
    return (item: Item) => filter?.matches(item, value) ?? false;
  });
  return (item: Item) => checks.every((matches) => matches(item));
}
