import type { ItemKey } from '#store/keys';
import type { ChangeCounts } from '#store/policy-state';
import type { Tenant } from '#store/ports';

// What a step of the reconciliation decides and the job keeps until it is applied.

/** A bucket as it is to be written: JSON, so it can wait in the job as a pending write. */
export interface BucketWrite {
  tenantId: string;
  day: string;
  category: string;
  module?: string;
  due: string;
  terminatedAt?: string;
}

/** Writes decided and counted, not yet confirmed. */
export type Pending =
  | { kind: 'buckets'; puts: BucketWrite[]; removals: ItemKey[] }
  | { kind: 'refile'; entries: Array<ItemKey & { dueSk: string; deadline: string | null }> }
  | { kind: 'regroup'; tenantId: string; entry: ItemKey; category: string; terminatedAt: string };

export interface StepContext {
  /** Undefined for the project's own objects. */
  tenant?: Tenant;
  cutoff: Date;
  counts: ChangeCounts;
}

export interface Decided {
  pending?: Pending;
  /** Where the step continues; undefined once it is done for this owner. */
  next?: string;
  readUnits: number;
}
