// Names of the records table's global secondary indexes (declared in serverless.yml's resources).

/** Records by tenant-day shard, then category, time and id: statistics, log reads, the sweep's day buckets. */
export const DAY_INDEX = 'byDay';
/** Sparse: what has a known deadline (day buckets, S3 object entries), by shard and deadline. */
export const DUE_INDEX = 'byDue';
