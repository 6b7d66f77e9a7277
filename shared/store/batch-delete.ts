import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pool } from '#shared/pool';

export type ItemKey = { pk: string; sk: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Deletes items in batches of 25 (BatchWriteItem's limit), retrying whatever DynamoDB leaves
 * unprocessed with exponential backoff until every key is gone. Deleting a missing key is a no-op,
 * so a retried batch is harmless.
 */
export async function deleteKeys(
  db: DynamoDBDocumentClient,
  table: string,
  keys: readonly ItemKey[],
): Promise<void> {
  const batches: ItemKey[][] = [];
  for (let i = 0; i < keys.length; i += 25) batches.push(keys.slice(i, i + 25));
  // A few batches in flight at once, each worker taking the next as soon as its own is done.
  await pool(batches.length, 4, (i) => deleteBatch(db, table, batches[i] as ItemKey[]));
}

async function deleteBatch(db: DynamoDBDocumentClient, table: string, keys: ItemKey[]): Promise<void> {
  let requests = keys.map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } }));
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt > 0) await sleep(Math.min(2000, 50 * 2 ** attempt));
    const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
    requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
  }
}
