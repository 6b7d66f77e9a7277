import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportLinks } from './ports.ts';

/**
 * Pre-signed GET URLs of export files in the data bucket. Apart from `S3ExportFiles` so that the
 * export worker's bundle carries no presigner and the query API's carries no multipart uploader.
 */
export class S3ExportLinks implements ExportLinks {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: expiresInSeconds,
    });
  }
}
