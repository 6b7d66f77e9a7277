import { BatchWriteCommand, type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { pool } from '#shared/pool';

type Item = Record<string, unknown>;
type Key = { pk: string; sk: string };

/** Items of a table that `keep` selects (a bench-only full read, never part of a timed side). */
export async function itemsWhere(db: DynamoDBDocumentClient, table: string, keep: (item: Item) => boolean) {
  const items: Item[] = [];
  for await (const page of paginateScan({ client: db }, { TableName: table })) {
    items.push(...(page.Items ?? []).filter(keep));
  }
  return items;
}

/** Writes items with BatchWriteItem (setting up the raw side; untimed). */
export function putAll(db: DynamoDBDocumentClient, table: string, items: Item[]): Promise<void> {
  return rawPut(db, table, items, 8);
}

/** A raw baseline: BatchWriteItem puts of whole items, `inFlight` batches of 25 at a time. */
export async function rawPut(db: DynamoDBDocumentClient, table: string, items: Item[], inFlight: number) {
  const chunks = chunk(items, 25);
  await pool(chunks.length, inFlight, async (i) => {
    let requests = (chunks[i] as Item[]).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  });
}

/** The raw baseline: BatchWriteItem deletes of known keys, `inFlight` batches of 25 at a time. */
export async function rawDelete(db: DynamoDBDocumentClient, table: string, keys: Key[], inFlight: number) {
  const chunks = chunk(keys, 25);
  await pool(chunks.length, inFlight, async (i) => {
    let requests = (chunks[i] as Key[]).map(({ pk, sk }) => ({ DeleteRequest: { Key: { pk, sk } } }));
    while (requests.length > 0) {
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  });
}

function chunk<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
