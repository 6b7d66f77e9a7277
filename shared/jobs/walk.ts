import type { Checkpoint, Item, ItemKey, Partition, ResumableState, TenantData } from '#store/ports';

// The skeleton every resumable job over a tenant's data shares (termination, erasure, and any job
// to come): it walks partitions in order, decides per chunk what to delete, checkpoints that
// decision with the keys it is about to delete (a write-ahead list), deletes them while it reads
// and decides the next chunk, and hands over to a fresh invocation when its time runs short. A
// crash or a timeout resumes where it stopped and counts nothing twice.

/** Time a job keeps in reserve: it takes no new chunk with less than this left. */
export const SAFETY_MS = 15_000;
/** Items acted on (and checkpointed as the write-ahead list) at once; partitions read ahead at once. */
const CHUNK_ITEMS = 500;
const READ_AHEAD = 16;

export interface WalkDeps {
  data: TenantData;
  /** Saves the job (its checkpoint and pending keys with it). */
  save: () => Promise<void>;
  /** Milliseconds this invocation may still use. */
  remainingMs: () => number;
}

/** Decides a chunk's items of one partition: does what must be done first (archive, scrub), returns the keys to delete. */
export type Act<P extends Partition> = (items: Item[], partition: P) => Promise<ItemKey[]>;

type Chunk<P> = { slices: Array<{ partition: P; items: Item[] }>; after: ItemKey | undefined };

/** Deletes what a crashed or handed-over run decided to delete but had not confirmed. */
export async function finishPending(job: ResumableState, deps: WalkDeps): Promise<void> {
  if (!job.pending?.length) return;
  await deps.data.deleteAll(job.pending);
  delete job.pending;
  await deps.save();
}

/**
 * Walks one pass over `partitions`, from the job's checkpoint if it is in this pass. Returns `done`
 * (the checkpoint then opens the next pass) or `continue` when time ran short (checkpoint saved).
 */
export async function walkPass<P extends Partition>(
  job: ResumableState & { checkpoint: Checkpoint },
  partitions: P[],
  act: Act<P>,
  deps: WalkDeps,
): Promise<'done' | 'continue'> {
  const pass = job.checkpoint.pass;
  const at = job.checkpoint.pk ? partitions.findIndex((p) => p.pk === job.checkpoint.pk) : -1;
  // Resume inside the checkpointed partition, or after it once it was finished.
  let index = at < 0 ? 0 : job.checkpoint.done ? at + 1 : at;
  let after = at >= 0 && !job.checkpoint.done ? job.checkpoint.after : undefined;
  let reading = index < partitions.length ? nextChunk(partitions, index, after, deps.data) : undefined;
  // Deletes run back to back, a chunk at a time, while later chunks are read, decided and
  // checkpointed: at most two chunks are unconfirmed, and the saved write-ahead list holds both.
  const deleting: Array<{ keys: ItemKey[]; done: Promise<void>; settled?: boolean }> = [];
  const confirm = async () => {
    for (const chunk of deleting) await chunk.done;
    deleting.length = 0;
    delete job.pending;
  };
  while (reading) {
    if (deps.remainingMs() < SAFETY_MS) {
      reading.catch(() => undefined);
      await confirm();
      await deps.save();
      return 'continue';
    }
    const chunk: Chunk<P> = await reading;
    index += chunk.slices.length - (chunk.after ? 1 : 0);
    after = chunk.after;
    // The next chunk is read while this one is settled: reads never depend on these deletions.
    reading = index < partitions.length ? nextChunk(partitions, index, after, deps.data) : undefined;
    reading?.catch(() => undefined);
    const toDelete: ItemKey[] = [];
    for (const { partition, items } of chunk.slices) toDelete.push(...(await act(items, partition)));
    const last = chunk.slices.at(-1)?.partition as P;
    job.checkpoint = { pass, pk: last.pk, ...(chunk.after ? { after: chunk.after } : { done: true }) };
    // Nothing to delete (most of a second pass): no write. A crash re-reads from the last saved
    // checkpoint and counts again from the counts saved with it; a hand-over saves this one.
    if (toDelete.length === 0) continue;
    while (deleting.length > 1) await (deleting.shift() as (typeof deleting)[number]).done;
    // Keys already confirmed deleted are not written again.
    job.pending = [...deleting.filter((d) => !d.settled).flatMap((d) => d.keys), ...toDelete];
    await deps.save();
    const previous = deleting.at(-1)?.done ?? Promise.resolve();
    const done = previous.then(() => deps.data.deleteAll(toDelete));
    // Awaited before the list moves past it; this only keeps a failure from being reported as unhandled meanwhile.
    done.catch(() => undefined);
    const entry: (typeof deleting)[number] = { keys: toDelete, done };
    done.then(
      () => {
        entry.settled = true;
      },
      () => undefined,
    );
    deleting.push(entry);
  }
  await confirm();
  job.checkpoint = { pass: pass + 1 };
  await deps.save();
  return 'done';
}

/**
 * The next items to act on, in partition order: the current partition from `after`, and the first
 * pages of the partitions after it read at the same time (most partitions are small, and one round
 * trip each would dominate). Taken whole while they fit in one chunk; the partition where the chunk
 * ends is resumed after its last item. What was read beyond is read again next time.
 */
async function nextChunk<P extends Partition>(
  partitions: P[],
  index: number,
  after: ItemKey | undefined,
  data: TenantData,
): Promise<Chunk<P>> {
  const wave = partitions.slice(index, index + READ_AHEAD);
  const pages = await Promise.all(
    wave.map((p, i) => data.page(p.pk, i === 0 ? after : undefined, CHUNK_ITEMS)),
  );
  const slices: Array<{ partition: P; items: Item[] }> = [];
  let total = 0;
  for (const [i, page] of pages.entries()) {
    if (i > 0 && total + page.items.length > CHUNK_ITEMS) break;
    slices.push({ partition: wave[i] as P, items: page.items });
    total += page.items.length;
    if (page.next) return { slices, after: page.next };
  }
  return { slices, after: undefined };
}

/** Gives the job's lease back and saves it: the next delivery of its message continues. */
export async function handOver(job: ResumableState, save: () => Promise<void>): Promise<void> {
  delete job.leaseUntil;
  await save();
}
