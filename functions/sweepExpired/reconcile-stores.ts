import type { DynamoDueIndex } from '#store/due-index';
import type { S3ObjectArchive, S3ObjectStore } from '#store/objects';
import type { PolicyState } from '#store/policy-state';
import type { TenantStore } from '#store/ports';
import type { DynamoReconcileIndex } from '#store/reconcile-index';

/** The stores a reconciliation reads and writes (the records table, S3, and the control plane). */
export interface ReconcileStores {
  index: Pick<
    DynamoReconcileIndex,
    'buckets' | 'days' | 'daysWithBucket' | 'hasRecords' | 'countUpTo' | 'writeBuckets' | 'entries'
  >;
  due: Pick<DynamoDueIndex, 'refile' | 'markers' | 'deleteAll'>;
  archive: Pick<S3ObjectArchive, 'archived' | 'archive' | 'putPolicyReceipt'>;
  objects: Pick<S3ObjectStore, 'deleteAll'>;
  state: PolicyState;
  tenants: Pick<TenantStore, 'get' | 'tenantIdsAfter' | 'countTenants'>;
}
