import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ttlEpochSeconds } from '#policy/index';
import { pool } from '#shared/pool';
import { getItems } from './batch-get.ts';
import { isConditionFailure } from './conditions.ts';
import { dayMarkerKey, dueKey, recordKey, utcDay } from './record-keys.ts';

/** A validated record, ready to store: fields already reduced to what its category allows. */
export interface CapturedRecord {
  tenantId: string;
  id: string;
  type: string;
  category: string;
  module: string;
  occurredAt: Date;
  fields: Record<string, unknown>;
  policyVersion: string;
  /** Known only for `fixed` rules at capture time; stamps TTL and the sweep's due index. */
  deadline: Date | null;
  capturedAt: Date;
}

/** A change to the directory projection that a record implies (idempotent by construction). */
export type DirectoryChange = { key: { pk: string; sk: string } } & (
  | {
      kind: 'update';
      update: string;
      condition: string;
      names: Record<string, string>;
      values: Record<string, unknown>;
    }
  | {
      kind: 'replace';
      item: Record<string, unknown>;
      condition: string;
      names: Record<string, string>;
      values: Record<string, unknown>;
    }
);

export type StoreOutcome = 'stored' | 'duplicate';

/** Storage of captured records and the directory they keep current. */
export interface RecordStore {
  /** Stores a record exactly once: `duplicate` when its id was stored before (by any request). */
  capture(record: CapturedRecord, directory: DirectoryChange | undefined): Promise<StoreOutcome>;
  /** Stores the records of one request, each exactly once; outcomes in the same order. */
  captureAll(entries: readonly CaptureEntry[]): Promise<StoreOutcome[]>;
}

/** A record and the directory change it implies. */
export interface CaptureEntry {
  record: CapturedRecord;
  directory: DirectoryChange | undefined;
}

/** Records of one request stored at once: enough to overlap round trips, few enough not to throttle. */
const STORE_CONCURRENCY = 16;

/**
 * RecordStore on the records table. Order matters for "nothing lost, nothing twice": a record that
 * exists is a duplicate and changes nothing; otherwise the directory change (idempotent: guarded by
 * the record's own time and id) is applied first and the record written last with a condition, so a
 * crash in between is healed by the client's retry and never counts twice. Two write units per
 * login: the directory update and the record; the day marker is read once per container and day and
 * written only by the first container that finds it missing.
 */
export class DynamoRecordStore implements RecordStore {
  readonly #markedDays = new Map<string, Promise<void>>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async capture(record: CapturedRecord, directory: DirectoryChange | undefined): Promise<StoreOutcome> {
    return (await this.captureAll([{ record, directory }]))[0] as StoreOutcome;
  }

  async captureAll(entries: readonly CaptureEntry[]): Promise<StoreOutcome[]> {
    const keys = entries.map(({ record: r }) => recordKey(r.tenantId, r.occurredAt, r.category, r.id));
    // One read for the whole request finds the records stored before (a resent batch); the
    // conditional write below still decides a race between two requests.
    const existing = await this.#existing(keys);
    const outcomes: StoreOutcome[] = new Array(entries.length);
    await pool(entries.length, STORE_CONCURRENCY, async (i) => {
      const key = keys[i] as { pk: string; sk: string };
      const { record, directory } = entries[i] as CaptureEntry;
      outcomes[i] = existing.has(`${key.pk}\n${key.sk}`)
        ? 'duplicate'
        : await this.#store(record, key, directory);
    });
    return outcomes;
  }

  async #existing(keys: ReadonlyArray<{ pk: string; sk: string }>): Promise<Set<string>> {
    const unique = [...new Map(keys.map((k) => [`${k.pk}\n${k.sk}`, k])).values()];
    const found = await getItems(this.db, this.table, unique, { projection: 'pk, sk' });
    return new Set(found.map((item) => `${item.pk}\n${item.sk}`));
  }

  async #store(
    record: CapturedRecord,
    key: { pk: string; sk: string },
    directory: DirectoryChange | undefined,
  ): Promise<StoreOutcome> {
    await this.#markDay(record.tenantId, utcDay(record.occurredAt));
    if (directory) await this.#applyDirectory(directory);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: toItem(record, key),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return 'stored';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async #applyDirectory(change: DirectoryChange): Promise<void> {
    const common = {
      TableName: this.table,
      ConditionExpression: change.condition,
      ...(Object.keys(change.names).length ? { ExpressionAttributeNames: change.names } : {}),
      ...(Object.keys(change.values).length ? { ExpressionAttributeValues: change.values } : {}),
    };
    try {
      if (change.kind === 'update') {
        await this.db.send(
          new UpdateCommand({ ...common, Key: change.key, UpdateExpression: change.update }),
        );
      } else {
        await this.db.send(new PutCommand({ ...common, Item: { ...change.key, ...change.item } }));
      }
    } catch (error) {
      // A failed guard means the directory already reflects this or a later record: nothing to do.
      if (!isConditionFailure(error)) throw error;
    }
  }

  // The write itself is what is cached, so concurrent records of a new day share one write; a failed
  // write is forgotten at once, so the next record of that day tries again.
  #markDay(tenantId: string, day: string): Promise<void> {
    const marker = `${tenantId}#${day}`;
    const known = this.#markedDays.get(marker);
    if (known) return known;
    // Read first: a read unit is cheaper than a write unit, and most containers find the marker that
    // an earlier one wrote. A stale "missing" only costs one idempotent overwrite.
    const key = dayMarkerKey(tenantId, day);
    const write = this.db
      .send(new GetCommand({ TableName: this.table, Key: key, ProjectionExpression: 'pk' }))
      .then(async ({ Item }) => {
        if (!Item)
          await this.db.send(new PutCommand({ TableName: this.table, Item: { ...key, tenantId, day } }));
      });
    this.#markedDays.set(marker, write);
    write.catch(() => this.#markedDays.delete(marker));
    return write;
  }
}

function toItem(record: CapturedRecord, key: { pk: string; sk: string }): Record<string, unknown> {
  return {
    ...key,
    tenantId: record.tenantId,
    id: record.id,
    type: record.type,
    category: record.category,
    module: record.module,
    occurredAt: record.occurredAt.toISOString(),
    capturedAt: record.capturedAt.toISOString(),
    policyVersion: record.policyVersion,
    data: record.fields,
    ...(record.deadline
      ? {
          deadline: record.deadline.toISOString(),
          expiresAt: ttlEpochSeconds(record.deadline),
          ...dueKey(record.deadline, key.pk, key.sk),
        }
      : {}),
  };
}
