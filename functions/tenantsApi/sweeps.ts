import { badRequest } from '#http/problem';
import type { DynamoSweepLog } from '#store/sweeps';

const DEFAULT_RUNS = 20;
const MAX_RUNS = 100;

/** The latest runs of the expiry sweep, newest first: `?limit=` 1–100 (default 20). */
export async function recentSweeps(
  query: Record<string, string | undefined> | undefined,
  log: DynamoSweepLog,
  now: Date,
) {
  const raw = query?.limit;
  const limit = raw === undefined ? DEFAULT_RUNS : Number(raw);
  if (!/^\d+$/.test(raw ?? String(DEFAULT_RUNS)) || limit < 1 || limit > MAX_RUNS) {
    throw badRequest(`limit must be a whole number from 1 to ${MAX_RUNS}.`, {
      issues: [{ pointer: '/query/limit', detail: `expected 1–${MAX_RUNS}, got ${JSON.stringify(raw)}` }],
    });
  }
  const runs = await log.recent(limit, now);
  return { runs };
}
