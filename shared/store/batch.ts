import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import pLimit, { type LimitFunction } from 'p-limit';
import { type ItemKey, keyId } from './keys.ts';

// The batch APIs of DynamoDB, with the one retry loop they all need: what DynamoDB leaves
// unprocessed is sent again with exponential backoff until nothing is left.

type Item = Record<string, unknown>;
type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/**
 * The last of the items with each key, in the order of their first: a BatchWriteItem refuses a key
 * twice, and batches in flight at once land in any order, so a key named twice is written once.
 */
const lastOfEachKey = <T extends Readonly<Record<string, unknown>>>(items: readonly T[]): T[] => [
  ...new Map(items.map((item) => [keyId(item), item])).values(),
];

/**
 * Four BatchWriteItem calls in flight. Each batch write call takes its own slots unless it is
 * given some: calls given the same slots share those four, so writes applied one after another
 * without waiting keep all four busy instead of each ending on a part-filled round.
 */
export const writeSlots = (): LimitFunction => pLimit(4);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number, capMs: number) => sleep(Math.min(capMs, 25 * 2 ** attempt));

/** Reads items by key, 100 per BatchGetItem (its limit); missing items are simply not returned. */
export async function getItems(
  db: DynamoDBDocumentClient,
  table: string,
  keys: ReadonlyArray<Record<string, unknown>>,
  options: { projection?: string; names?: Record<string, string>; consistent?: boolean } = {},
): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending = keys.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt, 1000);
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
              ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
              ...(options.consistent ? { ConsistentRead: true } : {}),
            },
          },
        }),
      );
      items.push(...(out.Responses?.[table] ?? []));
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return items;
}

/** Deletes items by key (each once), 25 per BatchWriteItem, four batches in flight; deleting a missing key is a no-op. */
export function deleteKeys(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly ItemKey[],
  slots?: LimitFunction,
): Promise<void> {
  return writeAll(
    db,
    table,
    lastOfEachKey(keys).map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })),
    slots,
  );
}

/** Writes whole items (overwriting; of items with one key, the last), 25 per BatchWriteItem, four batches in flight. */
export function putItems(
  db: DynamoDBDocumentClient,
  table: string,
  items: readonly Item[],
  slots?: LimitFunction,
): Promise<void> {
  return writeAll(
    db,
    table,
    lastOfEachKey(items).map((Item) => ({ PutRequest: { Item } })),
    slots,
  );
}

/**
 * Sends the requests 25 per BatchWriteItem through the slots, each batch taking the next free one
 * (no lockstep groups). After a failure no batch of this call starts, and the call ends only once
 * its batches already sent have answered: nothing it sent goes on landing after it failed.
 */
async function writeAll(
  db: DynamoDBDocumentClient,
  table: string,
  requests: WriteRequest[],
  slots: LimitFunction = writeSlots(),
): Promise<void> {
  let failed = false;
  const sends: Array<Promise<void>> = [];
  for (let i = 0; i < requests.length; i += 25) {
    let batch = requests.slice(i, i + 25);
    sends.push(
      slots(async () => {
        for (let attempt = 0; batch.length > 0; attempt++) {
          if (attempt > 0) await backoff(attempt, 2000);
          if (failed) break;
          try {
            const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
            batch = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
          } catch (error) {
            failed = true;
            throw error;
          }
        }
      }),
    );
  }
  const failure = (await Promise.allSettled(sends)).find((r) => r.status === 'rejected');
  if (failure) throw failure.reason;
}
