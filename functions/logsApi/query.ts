import * as v from 'valibot';
import { readableDeadline } from '#policy/index';
import { InvalidInput, ModuleTerminated, PolicyRefusal } from '#shared/errors';
import { DAY_MS } from '#shared/time';
import { parseTimestamp } from '#shared/timestamp';
import type { Item, LogReader, Tenant } from '#store/ports';
import { decodeCursor, encodeCursor, filtersDigest } from './cursor.ts';
import { categoriesToRead, LOGS, type LogDefinition, type LogName, matcherOf } from './logs.ts';

/** The widest window one query may cover, and the one it covers when `from` is not given. */
export const MAX_WINDOW_DAYS = 31;
export const DEFAULT_WINDOW_DAYS = 7;
/** Items per page: the most, and the default. */
export const MAX_LIMIT = 100;
export const DEFAULT_LIMIT = 50;
/** The most records one request examines: a page a filter thins out ends early, with a cursor. */
export const MAX_EXAMINED = 1000;

const PAGING = ['from', 'to', 'limit', 'cursor'] as const;

/** A log query as the client asked it: the filters checked, the window and cursor not yet resolved. */
export interface LogQuery {
  log: LogName;
  filters: Record<string, string>;
  from?: string;
  to?: string;
  limit: number;
  cursor?: string;
}

export interface LogDeps {
  reader: LogReader;
  cursorKey: () => Promise<string>;
  now: () => Date;
}

/** One record as a log shows it: as stored (secrets only as their keyed hash), with its deadline. */
export interface LogItem {
  id: string;
  type: string;
  category: string;
  occurredAt: string;
  capturedAt: string;
  policyVersion: string;
  data: Record<string, unknown>;
  deadline?: string;
}

export interface LogPage {
  log: LogName;
  from: string;
  to: string;
  items: LogItem[];
  /** Present while records may follow: pass it back (with the same filters) for the next page. */
  cursor?: string;
  /** What this page cost: read units consumed and records examined. */
  cost: { readUnits: number; examined: number };
}

const issue = (name: string, detail: string) =>
  new InvalidInput(`Query parameter ${name} ${detail}.`, [{ pointer: `?${name}`, detail }]);

/** The query parameters of a log route, checked: unknown names and values no record can hold are refused. */
export function parseLogQuery(
  log: LogName,
  params: Readonly<Record<string, string | undefined>> = {},
): LogQuery {
  const definition = LOGS[log];
  const filters: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if ((PAGING as readonly string[]).includes(name)) continue;
    const filter = Object.hasOwn(definition.filters, name) ? definition.filters[name] : undefined;
    if (!filter) {
      const known = [...PAGING, ...Object.keys(definition.filters)].join(', ');
      throw issue(name, `is not a filter of the ${log} log (known: ${known})`);
    }
    const parsed = v.safeParse(filter.schema, value);
    if (!parsed.success) throw issue(name, parsed.issues[0]?.message ?? 'is not valid');
    filters[name] = parsed.output;
  }
  const limit = params.limit === undefined ? DEFAULT_LIMIT : Number(params.limit);
  if (!/^\d{1,3}$/.test(params.limit ?? '1') || limit < 1 || limit > MAX_LIMIT)
    throw issue('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
  return {
    log,
    filters,
    limit,
    ...(params.from !== undefined ? { from: params.from } : {}),
    ...(params.to !== undefined ? { to: params.to } : {}),
    ...(params.cursor !== undefined ? { cursor: params.cursor } : {}),
  };
}

function instant(name: string, value: string): Date {
  const time = parseTimestamp(value);
  if (!time || Number.isNaN(time.getTime()) || time.getUTCFullYear() < 2000 || time.getUTCFullYear() > 9999)
    throw issue(name, 'must be an ISO-8601 date-time with a zone, e.g. 2026-11-30T00:00:00Z');
  return time;
}

/** The window [from, to) of a query: `to` defaults to now, `from` to a week before `to`; at most 31 days. */
export function windowOf(
  query: Pick<LogQuery, 'from' | 'to'>,
  now: Date,
  maxDays = MAX_WINDOW_DAYS,
): { from: Date; to: Date } {
  const to = query.to === undefined ? now : instant('to', query.to);
  const from =
    query.from === undefined
      ? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS)
      : instant('from', query.from);
  if (from.getTime() >= to.getTime()) throw issue('from', 'must be before to');
  if (to.getTime() - from.getTime() > maxDays * DAY_MS)
    throw issue('to', `must be at most ${maxDays} days after from`);
  return { from, to };
}

/** Refuses a log of a module the tenant does not use (422) or has terminated (410). */
export function requireLogModule(tenant: Tenant, definition: LogDefinition): void {
  if (tenant.terminations[definition.module])
    throw new ModuleTerminated(
      `Tenant ${tenant.id} terminated the ${definition.module} module; its ${definition.name} log is no longer served.`,
    );
  if (!tenant.modules.includes(definition.module))
    throw new PolicyRefusal(
      `Tenant ${tenant.id} does not use the ${definition.module} module, whose records the ${definition.name} log shows.`,
    );
}

/** The window, position and filter digest a page starts from (a cursor carries those of its query). */
async function startOf(
  tenant: Tenant,
  query: LogQuery,
  deps: LogDeps,
): Promise<{ from: Date; to: Date; digest: string; before?: string }> {
  const digest = filtersDigest(query.filters);
  if (query.cursor === undefined) return { ...windowOf(query, deps.now()), digest };
  const state = decodeCursor(query.cursor, tenant.id, await deps.cursorKey());
  if (state.log !== query.log || state.filters !== digest)
    throw issue('cursor', 'continues another query: send the filters it was returned with');
  if (
    (query.from !== undefined && query.from !== state.from) ||
    (query.to !== undefined && query.to !== state.to)
  )
    throw issue('cursor', 'continues a query of another window: leave from and to out, or send the same');
  const window = { from: new Date(state.from), to: new Date(state.to) };
  return { ...window, digest, before: state.position };
}

export function toLogItem(item: Item, deadline: Date | null): LogItem {
  return {
    id: String(item.id),
    type: String(item.type),
    category: String(item.category),
    occurredAt: String(item.occurredAt),
    capturedAt: String(item.capturedAt),
    policyVersion: String(item.policyVersion),
    data: (item.data ?? {}) as Record<string, unknown>,
    ...(deadline ? { deadline: deadline.toISOString() } : {}),
  };
}

/**
 * One page of a tenant's log, newest first: only the tenant's records (the key names it), only
 * what the policy still allows to be read at this moment, and only what matches every filter.
 */
export async function readLog(input: { tenant: Tenant; query: LogQuery }, deps: LogDeps): Promise<LogPage> {
  const { tenant, query } = input;
  const definition = LOGS[query.log];
  requireLogModule(tenant, definition);
  const start = await startOf(tenant, query, deps);
  const now = deps.now();
  const matches = matcherOf(definition, query.filters);
  const cost = { readUnits: 0, scannedCount: 0 };
  const items: LogItem[] = [];
  let examined = 0;
  let last: string | undefined;
  let more = false;
  const categories = categoriesToRead(definition, query.filters);
  const records = deps.reader.newestFirst(
    {
      tenantId: tenant.id,
      categories,
      from: start.from,
      to: start.to,
      ...(start.before ? { before: start.before } : {}),
      // A filter that is not part of the key thins the ranges out: read them in larger pages.
      expected: Object.keys(query.filters).some((name) => name !== 'category') ? MAX_LIMIT * 2 : query.limit,
    },
    cost,
  );
  for await (const { position, item } of records) {
    if (items.length === query.limit || examined === MAX_EXAMINED) {
      more = true;
      break;
    }
    examined += 1;
    last = position;
    const deadline = readableDeadline(item, now);
    if (deadline === undefined || !matches(item)) continue;
    items.push(toLogItem(item, deadline));
  }
  const from = start.from.toISOString();
  const to = start.to.toISOString();
  const cursor =
    more && last
      ? encodeCursor(
          { log: query.log, from, to, filters: start.digest, position: last },
          tenant.id,
          await deps.cursorKey(),
        )
      : undefined;
  return {
    log: query.log,
    from,
    to,
    items,
    ...(cursor ? { cursor } : {}),
    cost: { readUnits: cost.readUnits, examined },
  };
}
