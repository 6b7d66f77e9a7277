import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { pool } from '#shared/pool';
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
): Promise<void> {
  return writeAll(
    db,
    table,
    lastOfEachKey(keys).map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } })),
  );
}

/** Writes whole items (overwriting; of items with one key, the last), 25 per BatchWriteItem, four batches in flight. */
export function putItems(db: DynamoDBDocumentClient, table: string, items: readonly Item[]): Promise<void> {
  return writeAll(
    db,
    table,
    lastOfEachKey(items).map((Item) => ({ PutRequest: { Item } })),
  );
}

async function writeAll(db: DynamoDBDocumentClient, table: string, requests: WriteRequest[]): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  // Each worker takes the next batch as soon as its own is done (no lockstep groups).
  await pool(batches.length, 4, async (i) => {
    let batch = batches[i] as WriteRequest[];
    for (let attempt = 0; batch.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt, 2000);
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
      batch = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  });
}
