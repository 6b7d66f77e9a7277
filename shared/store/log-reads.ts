import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { utcDay } from '#shared/time';
import type { ReadCost } from './due-index.ts';
import { DAY_INDEX } from './indexes.ts';
import {
  dayIndexPartitions,
  dayMarkerRange,
  daySkAt,
  daysRegistryPartition,
  logPositionOf,
  RECORD_SHARDS,
} from './keys.ts';
import type { Item, LogRange, LogReader, PositionedItem } from './ports.ts';

/** The fewest and most items one shard's Query asks for at a time. */
const MIN_PAGE = 4;
const MAX_PAGE = 250;

/** One key range of one `byDay` partition, read newest first a page at a time. */
interface Source {
  dayPk: string;
  category: string;
  from: string;
  to: string;
  buffer: PositionedItem[];
  next?: Record<string, unknown>;
  done: boolean;
  /** The read of its next page, while one is in flight. */
  reading?: Promise<void>;
}

/** Days whose first pages an export reads ahead of the day it merges. */
const READ_AHEAD_DAYS = 2;

/**
 * Log reads on the records table: a tenant's records of some categories newest first, by key only.
 * The day registry names the days that have records (one Query); each day is read as one key range
 * per shard and category of the `byDay` index, merged lazily, so what is read follows what the
 * caller takes, not the window or the history.
 */
export class DynamoLogReader implements LogReader {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async *newestFirst(range: LogRange, cost: ReadCost): AsyncGenerator<PositionedItem> {
    const pageSize = Math.min(MAX_PAGE, Math.max(MIN_PAGE, Math.ceil(range.expected / RECORD_SHARDS) + 2));
    const last = range.before ? new Date(range.before.slice(0, 24)) : new Date(range.to.getTime() - 1);
    // A reader that takes everything (an export) has the next days' first pages read while it
    // merges the current one; a page of a query reads nothing it may not take.
    const depth = range.readAhead ? READ_AHEAD_DAYS : 0;
    const waiting: Source[][] = [];
    for await (const day of this.#days(range.tenantId, utcDay(range.from), utcDay(last), cost)) {
      const upcoming = this.#sources(range, day);
      // A failed read-ahead is read again by the merge, which then reports what fails.
      if (range.readAhead)
        for (const source of upcoming) this.#start(source, range, pageSize, cost).catch(() => undefined);
      waiting.push(upcoming);
      if (waiting.length > depth) yield* this.#merge(waiting.shift() as Source[], range, pageSize, cost);
    }
    for (const sources of waiting) yield* this.#merge(sources, range, pageSize, cost);
  }

  async *#days(tenantId: string, fromDay: string, toDay: string, cost: ReadCost): AsyncGenerator<string> {
    const bounds = dayMarkerRange(fromDay, toDay);
    let next: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': daysRegistryPartition(tenantId),
            ':from': bounds.from,
            ':to': bounds.to,
          },
          ProjectionExpression: 'sk',
          ScanIndexForward: false,
          ReturnConsumedCapacity: 'TOTAL',
          ...(next ? { ExclusiveStartKey: next } : {}),
        }),
      );
      count(out, cost);
      for (const item of out.Items ?? []) yield String(item.sk);
      next = out.LastEvaluatedKey;
    } while (next);
  }

  /** One day's key ranges: one per shard and category. */
  #sources(range: LogRange, day: string): Source[] {
    const from = range.from.toISOString();
    const to = range.to.toISOString();
    return dayIndexPartitions(range.tenantId, day).flatMap((dayPk) =>
      range.categories.map((category) => ({
        dayPk,
        category,
        from: `${category}#${from}`,
        // BETWEEN is inclusive: `<category>#<to>` sorts before every record at `to` (exclusive end);
        // the cursor's own record is included by the bound and dropped when it is read.
        to: range.before
          ? daySkAt(category, range.before.slice(0, 24), range.before.slice(25))
          : `${category}#${to}`,
        buffer: [],
        done: false,
      })),
    );
  }

  /** Starts reading a key range's next page unless a read is under way; the read in flight. */
  #start(source: Source, range: LogRange, pageSize: number, cost: ReadCost): Promise<void> {
    source.reading ??= this.#fill(source, range, pageSize, cost).finally(() => {
      source.reading = undefined;
    });
    return source.reading;
  }

  /** A day's key ranges merged newest first, each read a page at a time as the merge empties it. */
  async *#merge(
    sources: Source[],
    range: LogRange,
    pageSize: number,
    cost: ReadCost,
  ): AsyncGenerator<PositionedItem> {
    for (;;) {
      // Waits only when a key range ran dry: merging buffered items awaits nothing.
      const dry = sources.filter((s) => s.buffer.length === 0 && !s.done);
      if (dry.length) await Promise.all(dry.map((s) => this.#start(s, range, pageSize, cost)));
      let newest: Source | undefined;
      for (const source of sources) {
        const head = source.buffer[0];
        if (head && (!newest || head.position > (newest.buffer[0] as PositionedItem).position))
          newest = source;
      }
      if (!newest) return;
      yield newest.buffer.shift() as PositionedItem;
    }
  }

  async #fill(source: Source, range: LogRange, pageSize: number, cost: ReadCost): Promise<void> {
    while (source.buffer.length === 0 && !source.done) {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: DAY_INDEX,
          KeyConditionExpression: 'dayPk = :pk AND daySk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': source.dayPk, ':from': source.from, ':to': source.to },
          ScanIndexForward: false,
          Limit: pageSize,
          ReturnConsumedCapacity: 'TOTAL',
          ...(source.next ? { ExclusiveStartKey: source.next } : {}),
        }),
      );
      count(out, cost);
      for (const item of (out.Items ?? []) as Item[]) {
        const position = logPositionOf(source.category, String(item.daySk));
        if (position !== range.before) source.buffer.push({ position, item });
      }
      source.next = out.LastEvaluatedKey;
      source.done = !out.LastEvaluatedKey;
    }
  }
}

function count(out: QueryCommandOutput, cost: ReadCost): void {
  cost.readUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
  cost.scannedCount += out.ScannedCount ?? 0;
}
