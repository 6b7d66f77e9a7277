import * as v from 'valibot';
import { allowedFields, readableDeadline } from '#policy/index';
import { PoisonMessage } from '#shared/messages';
import { exportObjectKey } from '#store/keys';
import type { ExportFiles, LogExport, LogExports, LogReader, TenantStore } from '#store/ports';
import { categoriesToRead, isLogName, LOGS, matcherOf } from '../logsApi/logs.ts';
import { type LogItem, toLogItem } from '../logsApi/query.ts';

export interface ExportWorkerDeps {
  tenants: Pick<TenantStore, 'get'>;
  exports: LogExports;
  files: ExportFiles;
  reader: LogReader;
  now: () => Date;
}

/** About how many characters of lines the export hands its upload at a time. */
const CHUNK_CHARS = 64 * 1024;

const MESSAGE = v.strictObject({
  kind: v.literal('log-export'),
  tenantId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  exportId: v.pipe(v.string(), v.regex(/^[0-9a-f-]{36}$/)),
});

/** An export message, or PoisonMessage (to the DLQ at once) when it is not one. */
export function parseExportMessage(body: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new PoisonMessage('not JSON');
  }
  const out = v.safeParse(MESSAGE, parsed);
  if (!out.success) throw new PoisonMessage(`not an export message: ${out.issues[0]?.message}`);
  return out.output;
}

/** The CSV columns of a log: the record's own fields, then every data field its categories may store. */
export function csvColumns(log: LogExport['log']): string[] {
  const definition = LOGS[log as keyof typeof LOGS];
  const fields = [...new Set(Object.values(definition.categories).flatMap((c) => allowedFields(c)))];
  return ['id', 'type', 'category', 'occurredAt', 'capturedAt', 'policyVersion', 'deadline', ...fields];
}

/** One CSV cell (RFC 4180). */
export const csvCell = (value: unknown) => {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // RFC 4180 quoting; a leading =, +, - or @ is quoted too, so a spreadsheet never runs it as a formula.
  return /[",\r\n]|^[=+\-@]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

function csvRow(columns: readonly string[], item: LogItem): string {
  const data = item.data as Record<string, unknown>;
  const value = (column: string): unknown => {
    if (column in item && column !== 'data') return (item as unknown as Record<string, unknown>)[column];
    return column
      .split('.')
      .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part], data);
  };
  return `${columns.map((c) => csvCell(value(c))).join(',')}\r\n`;
}

/**
 * Writes one export: every record of its query (the policy's deadlines applied at this moment), in
 * the newest-first order of the query route, as NDJSON (one item per line, as the route shows it)
 * or CSV. Idempotent: a completed export is left alone, a redelivered one is written again whole.
 */
export async function runExport(message: { tenantId: string; exportId: string }, deps: ExportWorkerDeps) {
  const job = await deps.exports.get(message.tenantId, message.exportId);
  if (!job) {
    // Removed (by termination, erasure or the sweep): a file a crashed delivery left behind goes too.
    for (const format of ['ndjson', 'csv'] as const) await deps.files.remove({ ...message, format });
    return { outcome: 'skipped' as const };
  }
  if (job.status === 'completed') return { outcome: 'skipped' as const };
  if (!isLogName(job.log)) throw new PoisonMessage(`export of an unknown log ${job.log}`);
  const definition = LOGS[job.log];
  // Checked before anything is written: once the module's termination began, nothing of it is copied.
  const tenant = await deps.tenants.get(message.tenantId);
  if (!tenant || tenant.status === 'terminated' || tenant.terminations[definition.module])
    return { outcome: 'skipped' as const };
  const filters = job.filters ?? {};
  const matches = matcherOf(definition, filters);
  const now = deps.now();
  const cost = { readUnits: 0, scannedCount: 0 };
  const columns = csvColumns(job.log);
  let records = 0;
  const csv = job.format === 'csv';
  const range = {
    tenantId: message.tenantId,
    categories: categoriesToRead(definition, filters),
    from: new Date(job.from),
    to: new Date(job.to),
    expected: 2000,
    readAhead: true,
  };
  async function* lines() {
    // Handed to the upload a piece of about CHUNK_CHARS at a time, not a line at a time.
    let chunk = csv ? `${columns.map(csvCell).join(',')}\r\n` : '';
    for await (const { item } of deps.reader.newestFirst(range, cost)) {
      const deadline = readableDeadline(item, now);
      if (deadline === undefined || !matches(item)) continue;
      records += 1;
      const shown = toLogItem(item, deadline);
      chunk += csv ? csvRow(columns, shown) : `${JSON.stringify(shown)}\n`;
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  const key = exportObjectKey(job.tenantId, job.exportId, job.format);
  await deps.files.write(job, key, lines(), csv ? 'text/csv' : 'application/x-ndjson');
  const written = {
    ...job,
    status: 'completed' as const,
    completedAt: deps.now().toISOString(),
    records,
    objectKey: key,
  };
  if (!(await deps.exports.complete(written))) {
    // A termination or erasure removed the job while the file was written: the file goes too, so
    // an export that was running then never brings back what they removed.
    await deps.files.remove(written);
    return { outcome: 'withdrawn' as const, records: 0, readUnits: cost.readUnits };
  }
  return { outcome: 'completed' as const, records, readUnits: cost.readUnits };
}
