// The ports: what each use case needs from storage, in domain terms. Adapters (DynamoDB, S3, SQS)
// implement them in the files beside this one; use cases never see a key, an expression or a client.
import type { ModuleId } from '#policy/index';
import type { DailyRollup, DayRecord, UserStatState } from '../stats/statistics.ts';
import type { ApplicationMarker, Bucket, DueEntry, ReadCost } from './due-index.ts';
import type { ItemKey } from './keys.ts';
import type { SweepRun } from './sweeps.ts';

export type { ItemKey };
/** A stored item as the bookkeeping of jobs sees it: its key and attributes. */
export type Item = Record<string, unknown> & { pk?: unknown; sk?: unknown };

// ---- tenants --------------------------------------------------------------------------------

/** A customer of the platform, and the modules (features) it uses. */
export interface Tenant {
  id: string;
  name: string;
  modules: ModuleId[];
  maxUsers: number;
  /** ISO 3166-1 alpha-2 region the tenant's data belongs to. */
  region: string;
  openedAt: string;
  createdAt: string;
  /** `terminating` from the first moment the termination of all its modules was requested. */
  status: TenantStatus;
  /** Modules whose termination was requested, with the moment it was. */
  terminations: Partial<Record<ModuleId, string>>;
  /** Hosting services the tenant subscribes to (what Container Security requires). */
  hostingServices?: string[];
}
export type TenantStatus = 'active' | 'terminating' | 'terminated';

export interface ApiKeyRecord {
  keyId: string;
  keyHash: string;
  createdAt: string;
}

/** Tenants, their API key hashes, and the registry the daily jobs fan out from. */
export interface TenantStore {
  create(tenant: Tenant, key: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<Tenant | undefined>;
  findByKeyHash(keyHash: string): Promise<Tenant | undefined>;
  /** Adds a key to an active tenant; false when there is no active tenant of that id. */
  addKey(tenantId: string, key: ApiKeyRecord): Promise<boolean>;
  /** Removes a key; false when the tenant has no such key. */
  revokeKey(tenantId: string, keyId: string): Promise<boolean>;
  /** Every tenant id ever created, page by page. */
  tenantIds(): AsyncIterable<string[]>;
  /** Up to `limit` tenant ids after `after`, in id order (a resumable walk over every tenant). */
  tenantIdsAfter(after: string | undefined, limit: number): Promise<string[]>;
  /** How many tenants were ever created. */
  countTenants(): Promise<number>;
  /** Replaces the tenant's hosting subscriptions; false when there is no such tenant. */
  setHostingServices(tenantId: string, services: string[]): Promise<boolean>;
  setStatus(tenantId: string, status: TenantStatus): Promise<void>;
}

// ---- captured records -----------------------------------------------------------------------

/** A validated record, ready to store: fields already reduced to what its category allows. */
export interface CapturedRecord {
  tenantId: string;
  id: string;
  type: string;
  category: string;
  module: string;
  occurredAt: Date;
  fields: Record<string, unknown>;
  /** A hash of type, time and fields: what "the same content" means for a resent id. */
  fingerprint: string;
  policyVersion: string;
  capturedAt: Date;
  /** Only the id is kept in the record store (the event's content lives elsewhere, e.g. an application). */
  keyOnly?: boolean;
}

/** An entry of a tenant's day registry: the day, or one category's records of it and when they fall due. */
export interface DayBucket {
  tenantId: string;
  day: string;
  category?: string;
  module?: string;
  /** When the earliest of the day's records falls due; null while the rule gives them none. */
  due: Date | null;
  policyVersion: string;
  /** File the bucket under `due` again even if it exists (filed later), not only when it is new. */
  rearm?: boolean;
  /** The termination of the records' module, when a rule makes it matter to their deadline. */
  terminatedAt?: Date;
}

/** `stored`, or the fingerprint of what was stored under the id before. */
export type StoreOutcome = { stored: true } | { stored: false; fingerprint: string };

/** Captured records, each stored once under its id. */
export interface RecordStore {
  /** The fingerprints of the records stored before under these ids. */
  fingerprints(tenantId: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** Writes the registry entries, then each record unless its id is taken; outcomes in order. */
  storeAll(records: readonly CapturedRecord[], buckets: readonly DayBucket[]): Promise<StoreOutcome[]>;
}

// ---- applications ---------------------------------------------------------------------------

/** The creation or deletion of an application, ordered by its event's `<time>#<id>`. */
export interface ApplicationChange {
  tenantId: string;
  appId: string;
  kind: 'created' | 'deleted';
  appType?: string;
  at: Date;
  order: string;
}

/** An application as the statistics see it. */
export interface Application {
  appId: string;
  createdAt?: string;
  deletedAt?: string;
}

export interface ApplicationStore {
  /** Applies a change; idempotent and order-independent. */
  apply(change: ApplicationChange): Promise<void>;
  /** Every application of a tenant, deleted ones (markers) included. */
  list(tenantId: string): Promise<Application[]>;
}

// ---- statistics -----------------------------------------------------------------------------

/** Daily rollups, snapshots and the per-user state of the statistics. */
export interface StatsStore {
  /** The CIAM user-operation records of one UTC day still readable at `now`. */
  dayRecords(tenantId: string, date: string, now: Date): Promise<DayRecord[]>;
  latestRollupBefore(tenantId: string, date: string): Promise<DailyRollup | undefined>;
  rollups(tenantId: string, from: string, to: string): Promise<DailyRollup[]>;
  snapshots(tenantId: string, from: string, to: string): Promise<Array<Record<string, unknown>>>;
  saveDay(tenantId: string, rollup: DailyRollup, snapshot: object, computedAt: Date): Promise<void>;
  userStates(tenantId: string, userIds: readonly string[]): Promise<Map<string, UserStatState>>;
  saveUserStates(tenantId: string, states: Iterable<UserStatState>): Promise<void>;
}

// ---- jobs over a tenant's data (termination, erasure) ----------------------------------------

/** A partition of a tenant's data and whose items it holds. */
export interface Partition {
  pk: string;
  /** `records`: captured records of every module; `index`: registry entries; `module`: one module's derived data. */
  holds: 'records' | 'index' | 'module';
}

/** Reading and removing a tenant's data by key (never a Scan). */
export interface TenantData {
  /** The partitions a module's data of a tenant can be in, in the order jobs walk them. */
  partitions(tenantId: string, module: ModuleId): Promise<Partition[]>;
  /** One page of a partition, resuming after `after`. */
  page(pk: string, after?: ItemKey, limit?: number): Promise<{ items: Item[]; next?: ItemKey }>;
  deleteAll(keys: readonly ItemKey[]): Promise<void>;
  /** Writes an item back as it is now (e.g. a statistic scrubbed of one user). */
  replace(item: Item): Promise<void>;
}

/** A group of archived records written to object storage as one object. */
export interface ArchiveGroup {
  category: string;
  /** The window of deletion dates the group's records fall in (the policy's archive window). */
  window: string;
  records: Item[];
  /** The keys of the archived records (deleted once the object is written). */
  keys: ItemKey[];
  first: ItemKey;
  latestRecordAt: Date;
  terminatedAt: Date;
  deleteAt: Date;
  /** Set when an archive is regrouped under a changed policy: its objects get keys of their own. */
  variant?: string;
}

/** The S3 objects of a tenant, each registered under its deletion date before it is written. */
export interface ObjectArchive {
  archive(tenantId: string, group: ArchiveGroup): Promise<void>;
  putReceipt(tenantId: string, key: string, receipt: object, createdAt: Date): Promise<void>;
  receipt(key: string): Promise<unknown>;
}

/** What a termination deleted, archived or kept, per category. */
export type TerminationCounts = Record<
  string,
  { deleted: number; archived: number; kept: number; keptUntil?: string; held?: number }
>;

/** Where a job resumes: the pass, the partition and the last key it finished there. */
export interface Checkpoint {
  pass: number;
  pk?: string;
  after?: ItemKey;
  done?: boolean;
}

/** What every resumable job keeps: its checkpoint and the keys it decided to delete (write-ahead). */
export interface ResumableState {
  checkpoint?: Checkpoint;
  /** Keys decided and counted, not yet confirmed deleted (redone on resume). */
  pending?: ItemKey[];
  /** One run at a time: another delivery waits until this moment. */
  leaseUntil?: string;
  /** Log exports decided and counted, not yet confirmed removed (redone on resume). */
  exportsPending?: ExportRef[];
}

/** What names an export's job and file. */
export type ExportRef = Pick<LogExport, 'tenantId' | 'exportId' | 'format' | 'objectKey'>;

/** The progress of one module's termination for one tenant; also its checkpoint. */
export interface TerminationJob extends ResumableState {
  tenantId: string;
  module: ModuleId;
  status: 'pending' | 'running' | 'completed';
  requestedAt: string;
  startedAt?: string;
  completedAt?: string;
  counts: TerminationCounts;
  receiptKey?: string;
}

/** The erasure of one user's data for one request; the user is named only by a hash. */
export interface ErasureJob extends ResumableState {
  tenantId: string;
  erasureId: string;
  subject: string;
  status: 'running' | 'completed';
  requestedAt: string;
  completedAt?: string;
  erased: Record<string, number>;
  /** Records a legal hold kept from the erasure, per category: the erasure is carried out on release. */
  held?: Record<string, number>;
  /** Kept only while a hold defers part of the erasure, so it can be finished on release. */
  heldUserId?: string;
  receiptKey?: string;
}

/** Termination jobs beside their tenant. */
export interface TerminationJobs {
  /**
   * Records the job and marks the module terminated on the tenant (with the tenant's new status) in
   * one write; when a job exists already (the first request wins), returns that one unchanged.
   */
  open(job: TerminationJob, tenantStatus: TenantStatus): Promise<TerminationJob>;
  job(tenantId: string, module: string): Promise<TerminationJob | undefined>;
  jobs(tenantId: string): Promise<TerminationJob[]>;
  /** Takes the job's lease until `until` unless another run holds it; false when one does. */
  lease(job: TerminationJob, now: Date, until: Date): Promise<boolean>;
  /** Saves a job; one leased by `lease` only while its item holds that lease, else `LeaseLost` and nothing written. */
  save(job: TerminationJob): Promise<void>;
  /** Re-opens a job a hold kept from finishing at its first pass, taking its lease away (one update: what a run saved meanwhile stays). */
  reopen(job: TerminationJob): Promise<void>;
}

/** Erasure jobs beside their tenant. */
export interface ErasureJobs {
  job(tenantId: string, erasureId: string): Promise<ErasureJob | undefined>;
  jobs(tenantId: string): Promise<ErasureJob[]>;
  lease(job: ErasureJob, now: Date, until: Date): Promise<boolean>;
  /** Saves a job; one leased by `lease` only while its item holds that lease, else `LeaseLost` and nothing written. */
  save(job: ErasureJob): Promise<void>;
  /** Records a new job unless one for its request exists (a request delivered twice at once); returns the one that stands. */
  create(job: ErasureJob): Promise<ErasureJob>;
  /** Re-opens a job a hold kept from finishing at its first pass, taking its lease away. */
  reopen(job: ErasureJob): Promise<void>;
}

// ---- legal holds -----------------------------------------------------------------------------

/** A legal hold: while it stands, nothing of the categories it covers is deleted, by any path. */
export interface Hold {
  tenantId: string;
  holdId: string;
  /** The categories held; `['*']` holds every category of every module. */
  categories: string[];
  /** A case reference or short reason (no personal data). */
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedAt?: string;
  releasedBy?: string;
}

export interface HoldStore {
  place(hold: Hold): Promise<void>;
  /** Releases a hold once (a second release changes nothing); undefined when there is no such hold. */
  release(tenantId: string, holdId: string, at: Date, by: string): Promise<Hold | undefined>;
  /** Every hold of a tenant, standing or released (released ones until their own deadline). */
  list(tenantId: string, now: Date): Promise<Hold[]>;
}

// ---- queues ---------------------------------------------------------------------------------

/** Messages sent to a queue, optionally delayed (SQS allows up to 900 s). */
export interface MessageQueue {
  sendAll(bodies: readonly object[], delaySeconds?: number): Promise<void>;
}

// ---- the sweep ----------------------------------------------------------------------------------

/** What the sweep reads and removes on the records table (see due-index.ts for the shapes). */
export interface SweepIndex {
  page(
    shard: string,
    cutoff: Date,
    after?: Record<string, unknown>,
    limit?: number,
  ): Promise<{ entries: DueEntry[]; next?: Record<string, unknown>; cost: ReadCost }>;
  oldest(shard: string, time: Date): Promise<{ entry?: DueEntry; cost: ReadCost }>;
  count(shard: string, cutoff: Date, cap: number): Promise<{ count: number; cost: ReadCost }>;
  dueRecords(
    bucket: Bucket,
    shard: number,
    upTo: Date,
    limit: number,
    after?: Record<string, unknown>,
  ): Promise<{ records: ItemKey[]; next?: Record<string, unknown>; cost: ReadCost }>;
  nextRecordTime(bucket: Bucket, shard: number, after: Date): Promise<{ time?: Date; cost: ReadCost }>;
  countDueRecords(bucket: Bucket, shard: number, upTo: Date): Promise<{ count: number; cost: ReadCost }>;
  markers(tenantId: string): Promise<{ markers: ApplicationMarker[]; cost: ReadCost }>;
  deleteAll(keys: readonly ItemKey[]): Promise<void>;
  deleteMarker(marker: ApplicationMarker): Promise<boolean>;
  refile(entry: DueEntry, deadline: Date | null): Promise<boolean>;
  deleteIfUnchanged(entry: DueEntry): Promise<boolean>;
}

/** Deletes S3 objects by key; returns those S3 refused. */
export interface SweepObjects {
  deleteAll(keys: readonly string[]): Promise<Array<{ key: string; code: string }>>;
}

/** The sweep's lease and the status of its runs. */
export interface SweepLog {
  lease(run: SweepRun, now: Date, until: Date): Promise<boolean>;
  release(run: SweepRun): Promise<void>;
  save(run: SweepRun): Promise<void>;
  recent(limit: number, now: Date): Promise<SweepRun[]>;
  purge(cutoff: Date): Promise<number>;
}

// ---- log reads ----------------------------------------------------------------------------------

/** What a log read asks for: a tenant's records of some categories with times in [from, to). */
export interface LogRange {
  tenantId: string;
  categories: readonly string[];
  from: Date;
  to: Date;
  /** Only records before this position (`<occurredAt>#<id>`, the position of the last one read before). */
  before?: string;
  /** How many records the caller expects to take: what each key range reads at a time. */
  expected: number;
  /** The caller takes every record (an export): the next day is read while the current one is merged. */
  readAhead?: boolean;
}

/** A stored record and its position in the newest-first order (`<occurredAt>#<id>`). */
export interface PositionedItem {
  position: string;
  item: Item;
}

/** Records read by key, newest first, as lazily as the caller takes them. */
export interface LogReader {
  /** The records of a range newest first (by time, then id); `cost` adds up what was read. */
  newestFirst(
    range: LogRange,
    cost: { readUnits: number; scannedCount: number },
  ): AsyncGenerator<PositionedItem>;
}

// ---- log exports --------------------------------------------------------------------------------

/** An export of one log query to S3, and its progress. */
export interface LogExport {
  tenantId: string;
  exportId: string;
  log: string;
  format: 'ndjson' | 'csv';
  from: string;
  to: string;
  /** The filters to apply; dropped once the export is written (they may name a user). */
  filters?: Record<string, string>;
  /** The names of the filters asked for (kept: they hold no value). */
  filterNames: string[];
  /** The policy categories the query reads: what termination and erasure match the export by. */
  categories?: string[];
  /** The subject (a hash, as an erasure names its user) of a userId filter: what erasure matches. */
  userSubject?: string;
  status: 'pending' | 'completed';
  requestedAt: string;
  completedAt?: string;
  records?: number;
  objectKey?: string;
}

/** Export jobs, each kept as the policy keeps the file it describes. */
export interface LogExports {
  create(job: LogExport): Promise<void>;
  get(tenantId: string, exportId: string): Promise<LogExport | undefined>;
  /** Every export job of a tenant, pending or written (what termination and erasure look through). */
  list(tenantId: string): Promise<LogExport[]>;
  /** Records the export written; false when the job was removed meanwhile (its file must go too). */
  complete(job: LogExport): Promise<boolean>;
}

/** Where export files are written and fetched from. */
export interface ExportFiles {
  /** Registers the file under its deadline (for the sweep), then writes its lines. */
  write(job: LogExport, key: string, lines: AsyncIterable<string>, contentType: string): Promise<void>;
  /** Removes an export whole and idempotently: its file, the file's entry, and the job. */
  remove(job: ExportRef): Promise<void>;
}

/** Download links of written export files (apart from `ExportFiles`: the writer never signs one). */
export interface ExportLinks {
  /** A short-lived download URL of a file. */
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
}

// ---- audit of log reads -------------------------------------------------------------------------

/** One read of a tenant's logs as the audit keeps it: no personal value in it. */
export interface LogRead {
  tenantId: string;
  readId: string;
  readAt: string;
  /** `query`: a page of a query route; `export`: an export request. */
  action: 'query' | 'export';
  route: string;
  log: string;
  /** Every filter used, by name. */
  filterNames: string[];
  /** The values of the filters whose values name no one (closed vocabularies such as type or result). */
  filters: Record<string, string>;
  from: string;
  to: string;
  /** Whether the page continued an earlier one (a cursor was sent). */
  continued?: boolean;
  /** Records on the page (a query). */
  returned?: number;
  /** The export asked for (an export request). */
  exportId?: string;
}

/** The audit of log reads: written before a read answers, listed newest first for operators. */
export interface LogReadAudit {
  record(read: LogRead): Promise<void>;
  /** Up to `limit` reads of a tenant older than the position `before`, and where the next page starts. */
  newestFirst(tenantId: string, limit: number, before?: string): Promise<{ reads: LogRead[]; next?: string }>;
}
