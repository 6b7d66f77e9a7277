import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApplicationStore } from '#store/applications';
import { S3ExportLinks } from '#store/export-links';
import { DynamoLogExports, S3ExportFiles } from '#store/exports';
import { DynamoHoldStore } from '#store/holds';
import { DynamoErasureJobs, DynamoTerminationJobs } from '#store/jobs';
import { S3ObjectArchive } from '#store/objects';
import { DynamoRecordStore } from '#store/records';
import { DynamoStatsStore } from '#store/stats';
import { DynamoTenantData } from '#store/tenant-data';
import { DynamoTenantStore } from '#store/tenants';
import type { AggregationDeps } from '../../functions/aggregateTenantDay/aggregate.ts';
import type { CaptureDeps } from '../../functions/captureEvents/capture.ts';
import type { EraseDeps } from '../../functions/eraseUser/erase.ts';
import type { TerminateDeps } from '../../functions/terminateAccount/terminate.ts';
import type { IsolatedCloud } from './isolated-cloud.ts';
import { documentClient } from './sweep.ts';

/** Every store of a test file's cloud, as the functions' composition roots build them. */
export function storesOf(
  cloud: IsolatedCloud,
  db: DynamoDBDocumentClient = documentClient(cloud),
  s3 = cloud.clients.s3,
) {
  const tenantsTable = cloud.tables.TenantsTable as string;
  const records = cloud.tables.RecordsTable as string;
  return {
    tenants: new DynamoTenantStore(db, tenantsTable),
    terminations: new DynamoTerminationJobs(db, tenantsTable),
    erasures: new DynamoErasureJobs(db, tenantsTable),
    records: new DynamoRecordStore(db, records),
    applications: new DynamoApplicationStore(db, records),
    stats: new DynamoStatsStore(db, records),
    data: new DynamoTenantData(db, records),
    objects: new S3ObjectArchive(db, records, s3, cloud.buckets.DataBucket as string),
    holds: new DynamoHoldStore(db, records),
    exports: new DynamoLogExports(db, records),
    exportFiles: new S3ExportFiles(db, records, s3, cloud.buckets.DataBucket as string),
    exportLinks: new S3ExportLinks(s3, cloud.buckets.DataBucket as string),
  };
}

/** What `terminate` needs, on a test file's cloud (no writer is late: the second pass runs at once). */
export function terminateDeps(cloud: IsolatedCloud, overrides: Partial<TerminateDeps> = {}): TerminateDeps {
  const s = storesOf(cloud);
  return {
    tenants: s.tenants,
    jobs: s.terminations,
    data: s.data,
    objects: s.objects,
    holds: s.holds,
    exports: s.exports,
    exportFiles: s.exportFiles,
    now: () => new Date(),
    lateWriterMs: 200,
    remainingMs: () => 60_000,
    ...overrides,
  };
}

/** What `eraseUser` needs, on a test file's cloud. */
export function eraseDeps(cloud: IsolatedCloud, overrides: Partial<EraseDeps> = {}): EraseDeps {
  const s = storesOf(cloud);
  return {
    tenants: s.tenants,
    jobs: s.erasures,
    data: s.data,
    objects: s.objects,
    holds: s.holds,
    exports: s.exports,
    exportFiles: s.exportFiles,
    now: () => new Date(),
    remainingMs: () => 60_000,
    ...overrides,
  };
}

/** What `aggregateTenantDay` needs, on a test file's cloud. */
export function aggregationDeps(
  cloud: IsolatedCloud,
  overrides: Partial<AggregationDeps> = {},
): AggregationDeps {
  const s = storesOf(cloud);
  return {
    tenants: s.tenants,
    stats: s.stats,
    applications: s.applications,
    now: () => new Date(),
    remainingMs: () => 60_000,
    ...overrides,
  };
}

/** What the capture handler needs, on a given document client (fault injection) and a test file's tables. */
export function captureDeps(
  cloud: IsolatedCloud,
  db: DynamoDBDocumentClient,
): CaptureDeps & { tenants: DynamoTenantStore } {
  const s = storesOf(cloud, db);
  return {
    tenants: s.tenants,
    records: s.records,
    applications: s.applications,
    qTokenHashKey: async () => 'k',
    now: () => new Date(),
  };
}
