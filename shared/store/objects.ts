import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/** A key S3 could not delete, with S3's error code. */
export interface ObjectFailure {
  key: string;
  code: string;
}

/** The bucket's archives and receipts, deleted by key. */
export class S3ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /**
   * Deletes objects, up to 1,000 per request (DeleteObjects' limit); a missing key counts as
   * deleted (S3 answers so), which makes a retry harmless. Returns the keys S3 refused.
   */
  async deleteAll(keys: readonly string[]): Promise<ObjectFailure[]> {
    const failed: ObjectFailure[] = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const out = await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
      for (const error of out.Errors ?? [])
        failed.push({ key: String(error.Key), code: String(error.Code ?? 'Unknown') });
    }
    return failed;
  }
}
