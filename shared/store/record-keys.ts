import { createHash } from 'node:crypto';

/** Partitions per tenant-day: 8 × 1,000 WCU/s before one tenant's busiest day is throttled. */
export const RECORD_SHARDS = 8;

const shardOf = (value: string, shards = RECORD_SHARDS) =>
  createHash('sha256').update(value).digest().readUInt8(0) % shards;

/** The UTC day (yyyy-mm-dd) of an instant. */
export const utcDay = (time: Date) => time.toISOString().slice(0, 10);

/** Where a captured record lives: derived from the record alone, so a resent id finds its item. */
export function recordKey(tenantId: string, occurredAt: Date, category: string, id: string) {
  return { pk: `T#${tenantId}#${utcDay(occurredAt)}#${shardOf(id)}`, sk: `${category}#${id}` };
}

/** Every partition holding one tenant's records of one UTC day. */
export function dayPartitions(tenantId: string, day: string): string[] {
  return Array.from({ length: RECORD_SHARDS }, (_, shard) => `T#${tenantId}#${day}#${shard}`);
}

/** The registry item that says a tenant has records on a day (what termination enumerates). */
export function dayMarkerKey(tenantId: string, day: string) {
  return { pk: `T#${tenantId}#DAYS`, sk: day };
}

/** A directory entry (user or application) of a tenant. */
export function directoryKey(tenantId: string, kind: 'user' | 'app', objectId: string) {
  return { pk: `T#${tenantId}#DIR#${shardOf(`${kind}#${objectId}`)}`, sk: `${kind}#${objectId}` };
}

/**
 * Partitions of the due-date index. Every new deadline lies about the same time ahead, so time
 * buckets would not spread writes; shards do (16 × 1,000 writes/s), and the sweep reads each with
 * one range query `dueSk <= cutoff`, so it reads only what is due, however much is stored.
 */
export const DUE_SHARDS = 16;

/** Sparse due-date index attributes: a shard and a sortable `<deadline>#<pk>#<sk>`. */
export function dueKey(deadline: Date, pk: string, sk: string) {
  return {
    duePk: `DUE#${shardOf(`${pk}#${sk}`, DUE_SHARDS)}`,
    dueSk: `${deadline.toISOString()}#${pk}#${sk}`,
  };
}

/** Every partition of the due-date index. */
export function duePartitions(): string[] {
  return Array.from({ length: DUE_SHARDS }, (_, shard) => `DUE#${shard}`);
}

/** Where the S3 objects of a tenant (archives, receipts) are registered under their deletion date. */
export function objectEntryKey(tenantId: string, objectKey: string) {
  return { pk: `T#${tenantId}#OBJECTS`, sk: objectKey };
}

/** A tenant's statistics: daily rollups and snapshots, one partition per tenant (one item a day). */
export function statsKey(tenantId: string, kind: 'ROLLUP' | 'SNAPSHOT', date: string) {
  return { pk: `T#${tenantId}#STATS`, sk: `${kind}#${date}` };
}

/** The statistics' per-user state (first login of each month, last known country). */
export function userStatKey(tenantId: string, userId: string) {
  return { pk: `T#${tenantId}#USTAT#${shardOf(`user#${userId}`)}`, sk: `user#${userId}` };
}
