import pMap from 'p-map';

/** The indices 0 … n-1, produced lazily so a pool over millions of items allocates no array. */
function* indices(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/**
 * Runs `work(i)` for every i in [0, n) with at most `concurrency` at once, each worker taking the
 * next index as soon as its own work is done (no lockstep groups). After a failure no new work is
 * started; the first error is what the returned promise rejects with (p-map's `stopOnError`).
 */
export async function pool(
  n: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  await pMap(indices(n), (i) => work(i), { concurrency: Math.max(1, concurrency), stopOnError: true });
}
