import { createHash } from 'node:crypto';

// Every key this project writes, in one place. Use cases speak in domain values (tenant, id, day,
// category); only the stores turn them into keys with these functions.

export type ItemKey = { pk: string; sk: string };
/** An item's key as one string (to tell items apart in a Set or Map). */
export const keyId = (item: Readonly<Record<string, unknown>>) => `${String(item.pk)}\n${String(item.sk)}`;

/** Partitions per tenant for records, and per tenant-day in the day index: 8 × 1,000 WCU/s each. */
export const RECORD_SHARDS = 8;
/** Partitions of the global due-date index (16 × 1,000 writes/s). */
export const DUE_SHARDS = 16;

const shardOf = (value: string, shards: number) =>
  createHash('sha256').update(value).digest().readUInt8(0) % shards;
const shards = (prefix: string, n = RECORD_SHARDS) => Array.from({ length: n }, (_, s) => `${prefix}${s}`);

// ---- tenants table -----------------------------------------------------------------------------

/** A tenant's profile. */
export const tenantKey = (tenantId: string): ItemKey => ({ pk: `TENANT#${tenantId}`, sk: 'PROFILE' });
/** Where an API key is found by its hash. */
export const apiKeyByHash = (hash: string): ItemKey => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' });
/** An API key listed under its tenant. */
export const apiKeyOfTenant = (tenantId: string, keyId: string): ItemKey => ({
  pk: `TENANT#${tenantId}`,
  sk: `KEY#${keyId}`,
});
/** The registry of every tenant id (one small item each, one partition). */
export const TENANT_REGISTRY = 'TENANTS';
export const tenantRegistryKey = (tenantId: string): ItemKey => ({ pk: TENANT_REGISTRY, sk: tenantId });
/** One module's termination job. */
export const terminationJobKey = (tenantId: string, module: string): ItemKey => ({
  pk: `TENANT#${tenantId}`,
  sk: `TERMINATION#${module}`,
});
export const TERMINATION_JOB_PREFIX = 'TERMINATION#';
/** One erasure request's job: every request is its own job. */
export const erasureJobKey = (tenantId: string, erasureId: string): ItemKey => ({
  pk: `TENANT#${tenantId}`,
  sk: `ERASURE#${erasureId}`,
});
export const ERASURE_JOB_PREFIX = 'ERASURE#';
/** The sweep's lease and its runs' status. */
export const SWEEP_PK = 'SWEEP';
export const sweepLeaseKey: ItemKey = { pk: SWEEP_PK, sk: 'LEASE' };
export const sweepRunKey = (startedAt: string, runId: string): ItemKey => ({
  pk: SWEEP_PK,
  sk: `RUN#${startedAt}#${runId}`,
});
export const sweepRunBound = (time: string) => `RUN#${time}`;

/** The policy stored data was last brought under, and the reconciliations that bring it under a new one. */
export const POLICY_PK = 'POLICY';
export const policyInForceKey: ItemKey = { pk: POLICY_PK, sk: 'IN-FORCE' };
export const RECONCILIATION_PREFIX = 'RECONCILIATION#';
/** The declarations of one policy version (written once; what a later reconciliation diffs against). */
export const policyDeclarationsKey = (version: string): ItemKey => ({
  pk: POLICY_PK,
  sk: `DECLARATIONS#${version}`,
});
/** The latest reconciliation to a version; an earlier one to the same version is kept under its start time. */
export const reconciliationKey = (toVersion: string, startedAt?: string): ItemKey => ({
  pk: POLICY_PK,
  sk: `${RECONCILIATION_PREFIX}${toVersion}${startedAt ? `#${startedAt}` : ''}`,
});

// ---- records table -----------------------------------------------------------------------------

/** A captured record, keyed by its id alone: the id is the tenant's idempotency key, on any day. */
export const recordKey = (tenantId: string, id: string): ItemKey => ({
  pk: `T#${tenantId}#R#${shardOf(id, RECORD_SHARDS)}`,
  sk: id,
});
/** Every partition holding a tenant's records (what termination and erasure enumerate). */
export const recordPartitions = (tenantId: string) => shards(`T#${tenantId}#R#`);

/** Index attributes (GSI `byDay`) of a record: its tenant-day shard, then category, time and id. */
export function dayIndexKey(tenantId: string, occurredAt: Date, category: string, id: string) {
  return {
    dayPk: `T#${tenantId}#${occurredAt.toISOString().slice(0, 10)}#${shardOf(id, RECORD_SHARDS)}`,
    daySk: `${category}#${occurredAt.toISOString()}#${id}`,
  };
}
/** Every `byDay` partition of one tenant-day. */
export const dayIndexPartitions = (tenantId: string, day: string) => shards(`T#${tenantId}#${day}#`);
/** `byDay` sort-key bounds of a category's records with times in [from, to] (ISO instants). */
export const daySkRange = (category: string, from: string, to: string) => ({
  from: `${category}#${from}`,
  to: `${category}#${to}~`,
});

/** The `byDay` sort key of one record of a category (what a log read resumes at). */
export const daySkAt = (category: string, occurredAt: string, id: string) =>
  `${category}#${occurredAt}#${id}`;
/** The position (`<occurredAt>#<id>`) of a record in a log read's newest-first order, from its `byDay` sort key. */
export const logPositionOf = (category: string, daySk: string) => daySk.slice(category.length + 1);

/** The registry of the days a tenant has records on, and per day the buckets the sweep files by due date. */
export const daysRegistryPartition = (tenantId: string) => `T#${tenantId}#DAYS`;
/** That a tenant has records on a day. */
export const dayMarkerKey = (tenantId: string, day: string): ItemKey => ({
  pk: daysRegistryPartition(tenantId),
  sk: day,
});
/** One day's records of one category, filed under the date they fall due (found by category prefix). */
export const dayBucketKey = (tenantId: string, category: string, day: string): ItemKey => ({
  pk: daysRegistryPartition(tenantId),
  sk: `${category}#${day}`,
});
/** Sort-key bounds of a tenant's day markers from one day to another, both included. */
export const dayMarkerRange = (fromDay: string, toDay: string) => ({ from: fromDay, to: toDay });
/** Sort-key bounds of a tenant's day markers (digits sort before every category's name). */
export const DAY_MARKER_RANGE = { from: '0', to: '9~' };

/** A tenant's applications (application data, one item per application, or its deletion marker). */
export const applicationKey = (tenantId: string, appId: string): ItemKey => ({
  pk: `T#${tenantId}#DIR#${shardOf(`app#${appId}`, RECORD_SHARDS)}`,
  sk: `app#${appId}`,
});
export const applicationPartitions = (tenantId: string) => shards(`T#${tenantId}#DIR#`);

/** The statistics' per-user state. */
export const userStatKey = (tenantId: string, userId: string): ItemKey => ({
  pk: `T#${tenantId}#USTAT#${shardOf(`user#${userId}`, RECORD_SHARDS)}`,
  sk: `user#${userId}`,
});
export const userStatPartitions = (tenantId: string) => shards(`T#${tenantId}#USTAT#`);

/** A tenant's statistics: daily rollups and snapshots, one item a day each. */
export const statsPartition = (tenantId: string) => `T#${tenantId}#STATS`;
export const statsKey = (tenantId: string, kind: 'ROLLUP' | 'SNAPSHOT', date: string): ItemKey => ({
  pk: statsPartition(tenantId),
  sk: `${kind}#${date}`,
});

/** A tenant's legal holds (kept apart from its data: termination never removes them). */
export const holdsPartition = (tenantId: string) => `T#${tenantId}#HOLDS`;
export const holdKey = (tenantId: string, holdId: string): ItemKey => ({
  pk: holdsPartition(tenantId),
  sk: holdId,
});

/** The audit records of a tenant's log reads, newest last by the time of the read (then a random id). */
export const logReadsPartition = (tenantId: string) => `T#${tenantId}#READS`;
export const logReadKey = (tenantId: string, readAt: string, readId: string): ItemKey => ({
  pk: logReadsPartition(tenantId),
  sk: `${readAt}#${readId}`,
});

/** Where a tenant's S3 objects (archives, receipts) are registered under their deletion date. */
export const objectsPartition = (tenantId: string) => `T#${tenantId}#OBJECTS`;
export const objectEntryKey = (tenantId: string, objectKey: string): ItemKey => ({
  pk: objectsPartition(tenantId),
  sk: objectKey,
});
/** Where the project's own S3 objects that belong to no tenant (reconciliation receipts) are registered. */
export const OPS_OBJECTS_PARTITION = 'OPS#OBJECTS';
export const opsObjectEntryKey = (objectKey: string): ItemKey => ({
  pk: OPS_OBJECTS_PARTITION,
  sk: objectKey,
});

/** Due-index attributes (GSI `byDue`): a shard and a sortable `<deadline>#<pk>#<sk>`. */
export function dueKey(deadline: Date, key: ItemKey) {
  return {
    duePk: `DUE#${shardOf(`${key.pk}#${key.sk}`, DUE_SHARDS)}`,
    dueSk: `${deadline.toISOString()}#${key.pk}#${key.sk}`,
  };
}
export const duePartitions = () => shards('DUE#', DUE_SHARDS);
/** Every due key filed under a deadline at or before `time` sorts before this bound. */
export const dueBound = (time: Date) => `${time.toISOString()}$`;
/** The deadline a due key is filed under. */
export const dueDeadline = (dueSk: string) => new Date(dueSk.slice(0, 24));

// ---- the data bucket ----------------------------------------------------------------------------

/** The S3 prefix of a category's archives, or of receipts. */
export const s3PrefixOf = (category: string) =>
  category === 'deletion-receipt'
    ? 'receipts/'
    : category === 'reconciliation-receipt'
      ? 'policy-receipts/'
      : category === 'log-export'
        ? 'exports/'
        : `archives/${category}/`;

/** The object key of a group of archived records: deterministic, so a retried page rewrites the same object. */
export function archiveObjectKey(
  category: string,
  tenantId: string,
  window: string,
  first: ItemKey,
  /** Set when an archive is regrouped under a changed policy (its version): never the old key. */
  variant?: string,
) {
  const suffix = variant ? `-${variant}` : '';
  return `${s3PrefixOf(category)}${tenantId}/${window.replace(':', '')}/${encodeURIComponent(first.pk)}-${encodeURIComponent(first.sk)}${suffix}.ndjson`;
}
/** The receipt of one reconciliation of stored data with a changed policy. */
export const reconciliationReceiptKey = (toVersion: string, startedAt: string) =>
  `${s3PrefixOf('reconciliation-receipt')}${toVersion}-${startedAt.replaceAll(':', '')}.json`;
/** The receipt of a module's termination. */
export const terminationReceiptKey = (tenantId: string, module: string, requestedAt: string) =>
  `receipts/${tenantId}/${module}-${requestedAt.replaceAll(':', '')}.json`;
/** The receipt of one erasure request. */
export const erasureReceiptKey = (tenantId: string, erasureId: string) =>
  `receipts/${tenantId}/erasure-${erasureId.replaceAll(':', '')}.json`;

/** A tenant's log exports: one item each, its own due-index entry (the sweep deletes it at its deadline). */
export const exportsPartition = (tenantId: string) => `T#${tenantId}#EXPORTS`;
export const exportJobKey = (tenantId: string, exportId: string): ItemKey => ({
  pk: exportsPartition(tenantId),
  sk: exportId,
});
/** The object a log export is written to. */
export const exportObjectKey = (tenantId: string, exportId: string, format: 'ndjson' | 'csv') =>
  `${s3PrefixOf('log-export')}${tenantId}/${exportId}.${format}`;
