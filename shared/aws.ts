import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { optionalEnv } from './config.ts';

// The SDK clients every function uses, configured once. Endpoints come from the SDK's standard
// variables (AWS_ENDPOINT_URL_DYNAMODB, …): unset in AWS, pointed at the emulators by `npm start`.

/** A DynamoDB document client that drops undefined attributes (optional fields are simply absent). */
export function documentClient(client = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** An S3 client; path-style addressing where the emulator needs it (`S3_FORCE_PATH_STYLE=true`). */
export function s3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  return new S3Client({ forcePathStyle: optionalEnv('S3_FORCE_PATH_STYLE', env) === 'true' });
}

/**
 * An SQS client that sends requests to the configured endpoint, not to the queue URL's host:
 * identical in AWS, and the emulator's queue URLs (sqs.<region>.localhost) need not resolve.
 */
export function sqsClient(): SQSClient {
  return new SQSClient({ useQueueUrlAsEndpoint: false });
}
