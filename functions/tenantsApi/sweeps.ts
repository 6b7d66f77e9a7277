import { InvalidInput } from '#shared/errors';
import type { SweepRun } from '#store/sweeps';

const DEFAULT_RUNS = 20;
const MAX_RUNS = 100;

/** The `limit` query parameter of the sweep runs: 1–100, default 20. */
export function runsLimit(query: Record<string, string | undefined> | undefined): number {
  const raw = query?.limit;
  const limit = raw === undefined ? DEFAULT_RUNS : Number(raw);
  if (!/^\d+$/.test(raw ?? String(DEFAULT_RUNS)) || limit < 1 || limit > MAX_RUNS) {
    throw new InvalidInput(`limit must be a whole number from 1 to ${MAX_RUNS}.`, [
      { pointer: '?limit', detail: `expected 1–${MAX_RUNS}, got ${JSON.stringify(raw)}` },
    ]);
  }
  return limit;
}

/** The latest runs of the expiry sweep, newest first. */
export async function recentSweeps(
  limit: number,
  log: { recent(limit: number, now: Date): Promise<SweepRun[]> },
  now: Date,
) {
  return { runs: await log.recent(limit, now) };
}
