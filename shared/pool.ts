/**
 * Runs `work(i)` for every i in [0, n) with at most `concurrency` at once, each worker taking the
 * next index as soon as its own work is done (no lockstep groups). After a failure no new work is
 * started; the first error is what the returned promise rejects with.
 */
export async function pool(
  n: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      for (let i = next++; i < n && !failed; i = next++) await work(i);
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
}
