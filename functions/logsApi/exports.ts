import { randomUUID } from 'node:crypto';
import { captureDeadline } from '#policy/index';
import { InvalidInput, NotFound } from '#shared/errors';
import { subjectOf } from '#shared/messages';
import type { ExportLinks, LogExport, LogExports, LogReadAudit, MessageQueue, Tenant } from '#store/ports';
import { audit } from './audit.ts';
import { categoriesToRead, LOGS, type LogName } from './logs.ts';
import { parseLogQuery, requireLogModule, windowOf } from './query.ts';

/** The widest window one export may cover (a query page covers at most 31 days). */
export const MAX_EXPORT_WINDOW_DAYS = 366;
/** How long a download URL of a finished export works. */
export const DOWNLOAD_URL_SECONDS = 300;

export interface ExportDeps {
  exports: LogExports;
  queue: MessageQueue;
  links: ExportLinks;
  audit: LogReadAudit;
  now: () => Date;
}

/** The message that asks the export worker to write one export. */
export interface ExportMessage {
  kind: 'log-export';
  tenantId: string;
  exportId: string;
}

const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The body of an export request: the filters of the log's query route, as strings, and `format`. */
function exportRequestOf(log: LogName, body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidInput(
      'The body must be a JSON object of filters, e.g. {"from": "…", "format": "csv"}.',
      [{ pointer: '', detail: 'an object' }],
    );
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value !== 'string')
      throw new InvalidInput(`${name} must be a string, as in the query of GET /v1/logs/${log}.`, [
        { pointer: `/${name}`, detail: 'a string' },
      ]);
    if (name === 'limit' || name === 'cursor')
      throw new InvalidInput(`An export has no ${name}: it holds every record of the query.`, [
        { pointer: `/${name}`, detail: 'not accepted' },
      ]);
    fields[name] = value;
  }
  const { format = 'ndjson', ...filters } = fields;
  if (format !== 'ndjson' && format !== 'csv')
    throw new InvalidInput('format must be ndjson or csv.', [
      { pointer: '/format', detail: 'ndjson or csv' },
    ]);
  try {
    return { query: parseLogQuery(log, filters), format: format as 'ndjson' | 'csv' };
  } catch (error) {
    // The same checks as the query route; the issues point into the body instead of the query.
    if (error instanceof InvalidInput)
      throw new InvalidInput(
        error.message.replace('Query parameter', 'Field'),
        error.issues.map((i) => ({ ...i, pointer: i.pointer.replace(/^\?/, '/') })),
      );
    throw error;
  }
}

/** Asks for a log query to be exported to S3; the export worker writes it. */
export async function requestExport(
  input: { tenant: Tenant; log: LogName; body: unknown },
  deps: ExportDeps,
) {
  const { tenant, log } = input;
  const { query, format } = exportRequestOf(log, input.body);
  requireLogModule(tenant, LOGS[log]);
  const now = deps.now();
  const window = windowOf(query, now, MAX_EXPORT_WINDOW_DAYS);
  const job: LogExport = {
    tenantId: tenant.id,
    exportId: randomUUID(),
    log,
    format,
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    filters: query.filters,
    filterNames: Object.keys(query.filters).sort(),
    categories: categoriesToRead(LOGS[log], query.filters),
    ...(query.filters.userId ? { userSubject: subjectOf(tenant.id, query.filters.userId) } : {}),
    status: 'pending',
    requestedAt: now.toISOString(),
  };
  // Audited first: an export that runs was always recorded (one that then fails to start is too).
  const { from, to, exportId } = job;
  await audit(deps.audit, tenant, { action: 'export', log, filters: query.filters, from, to, exportId }, now);
  await deps.exports.create(job);
  const message: ExportMessage = { kind: 'log-export', tenantId: tenant.id, exportId: job.exportId };
  await deps.queue.sendAll([message]);
  return statusOf(job);
}

function statusOf(job: LogExport) {
  const { tenantId: _t, filters: _f, userSubject: _u, categories: _c, ...shown } = job;
  const deadline = captureDeadline('log-export', new Date(job.requestedAt));
  return { ...shown, ...(deadline ? { deadline: deadline.toISOString() } : {}) };
}

/** An export's status and, once written, a short-lived download URL; 404 for another tenant's or an expired one. */
export async function exportStatus(
  input: { tenant: Tenant; exportId: string | undefined },
  deps: ExportDeps,
) {
  const { tenant, exportId } = input;
  const missing = new NotFound(`This tenant has no export ${JSON.stringify(String(exportId).slice(0, 64))}.`);
  if (!exportId || !EXPORT_ID.test(exportId)) throw missing;
  const job = await deps.exports.get(tenant.id, exportId);
  const deadline = job && captureDeadline('log-export', new Date(job.requestedAt));
  const now = deps.now();
  if (!job || !deadline || deadline.getTime() <= now.getTime()) throw missing;
  requireLogModule(tenant, LOGS[job.log as LogName]);
  if (job.status !== 'completed' || !job.objectKey) return statusOf(job);
  return {
    ...statusOf(job),
    downloadUrl: await deps.links.downloadUrl(job.objectKey, DOWNLOAD_URL_SECONDS),
    downloadUrlExpiresAt: new Date(now.getTime() + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
  };
}
