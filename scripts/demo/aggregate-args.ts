import { parseArgs } from 'node:util';

/** What `npm run aggregate` was asked to do. */
export interface AggregateRequest {
  date: string;
  tenantIds: string[] | undefined;
}

/** A command-line mistake, said in words the user can act on. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE =
  'usage: npm run aggregate -- --date YYYY-MM-DD [--tenant <tenant id>]...\n' +
  '  computes the statistics of one UTC day that has ended, for the given tenants or for all of them';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses and checks `--date` (a real calendar day that has ended by `now`) and any `--tenant`s. */
export function parseAggregateArgs(args: string[], now: Date): AggregateRequest {
  let values: { date?: string; tenant?: string[] };
  try {
    ({ values } = parseArgs({
      args,
      options: { date: { type: 'string' }, tenant: { type: 'string', multiple: true } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { date } = values;
  if (date === undefined) throw new UsageError('--date is required (the UTC day to compute, YYYY-MM-DD).');
  const parts = date.match(DAY);
  const parsed = parts ? new Date(`${date}T00:00:00Z`) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date)
    throw new UsageError(`--date ${JSON.stringify(date)} is not a calendar day written YYYY-MM-DD.`);
  const today = now.toISOString().slice(0, 10);
  if (date >= today)
    throw new UsageError(
      `--date ${date} has not ended yet (UTC today is ${today}); a day is final only after it ends.`,
    );
  const tenantIds = values.tenant?.map((id) => id.trim());
  if (tenantIds?.some((id) => id === '')) throw new UsageError('--tenant needs a tenant id.');
  return { date, tenantIds: tenantIds && [...new Set(tenantIds)] };
}
