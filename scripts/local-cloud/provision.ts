import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CfnResource } from './template.ts';

/** What got created, by CloudFormation logical id. */
export interface ProvisionedCloud {
  tables: Record<string, string>;
  buckets: Record<string, string>;
  queues: Record<string, { name: string; url: string; arn: string }>;
}

export interface ProvisionClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  sqs: SQSClient;
}

/** Maps a physical name from the template to the name used here (tests add an isolating suffix). */
export type Rename = (name: string) => string;

/**
 * Creates the DynamoDB tables, S3 buckets and SQS queues declared in the template's `Resources`,
 * with their keys, indexes, TTL, lifecycle rules and redrive policies. Resources the emulators do not
 * model (bucket policies, encryption, PITR) are AWS-only hardening and are checked on the template.
 * Idempotent, so a persisted local cloud can be started again.
 */
export async function provision(
  resources: Record<string, CfnResource>,
  clients: ProvisionClients,
  rename: Rename = (name) => name,
): Promise<ProvisionedCloud> {
  const cloud: ProvisionedCloud = { tables: {}, buckets: {}, queues: {} };
  const byType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  await Promise.all(
    byType('AWS::DynamoDB::Table').map(async ([id, resource]) => {
      cloud.tables[id] = await createTable(clients.dynamodb, props(resource), rename);
    }),
  );
  await Promise.all(
    byType('AWS::S3::Bucket').map(async ([id, resource]) => {
      cloud.buckets[id] = await createBucket(clients.s3, props(resource), rename);
    }),
  );
  // Dead-letter queues first: a queue's redrive policy names its DLQ's ARN.
  const queues = byType('AWS::SQS::Queue').sort(([, a]) => (props(a).RedrivePolicy ? 1 : -1));
  for (const [id, resource] of queues) {
    cloud.queues[id] = await createQueue(clients.sqs, props(resource), rename, cloud);
  }
  return cloud;
}

function props(resource: CfnResource): Record<string, unknown> {
  return resource.Properties ?? {};
}

function physicalName(properties: Record<string, unknown>, key: string): string {
  const name = properties[key];
  if (typeof name !== 'string') throw new Error(`Resource needs a literal ${key} for the local cloud`);
  return name;
}

async function createTable(client: DynamoDBClient, p: Record<string, unknown>, rename: Rename) {
  const TableName = rename(physicalName(p, 'TableName'));
  const input: CreateTableCommandInput = {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: p.AttributeDefinitions as AttributeDefinition[],
    KeySchema: p.KeySchema as KeySchemaElement[],
  };
  const indexes = p.GlobalSecondaryIndexes as GlobalSecondaryIndex[] | undefined;
  if (indexes?.length) input.GlobalSecondaryIndexes = indexes;
  // Idempotent: with --persist the tables survive a restart.
  const created = await client.send(new CreateTableCommand(input)).then(
    () => true,
    (error: Error) => {
      if (error.name === 'ResourceInUseException') return false;
      throw error;
    },
  );
  await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName });
  const ttl = p.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
  if (created && ttl?.Enabled) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }),
    );
  }
  return TableName;
}

async function createBucket(client: S3Client, p: Record<string, unknown>, rename: Rename) {
  const Bucket = rename(physicalName(p, 'BucketName'));
  await client.send(new CreateBucketCommand({ Bucket }));
  const rules = (p.LifecycleConfiguration as { Rules?: CfnLifecycleRule[] } | undefined)?.Rules;
  if (rules?.length) {
    await client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket,
        LifecycleConfiguration: { Rules: rules.map(toS3Rule) },
      }),
    );
  }
  return Bucket;
}

/** A lifecycle rule as CloudFormation spells it (AWS::S3::Bucket Rule). */
export interface CfnLifecycleRule {
  Id: string;
  Status: 'Enabled' | 'Disabled';
  Prefix?: string;
  ExpirationInDays?: number;
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation: number };
  NoncurrentVersionExpiration?: { NoncurrentDays: number };
}

/** Translates CloudFormation's rule shape into the S3 API's. */
export function toS3Rule(rule: CfnLifecycleRule): LifecycleRule {
  return {
    ID: rule.Id,
    Status: rule.Status,
    Filter: { Prefix: rule.Prefix ?? '' },
    ...(rule.ExpirationInDays !== undefined ? { Expiration: { Days: rule.ExpirationInDays } } : {}),
    ...(rule.AbortIncompleteMultipartUpload
      ? { AbortIncompleteMultipartUpload: rule.AbortIncompleteMultipartUpload }
      : {}),
    ...(rule.NoncurrentVersionExpiration
      ? { NoncurrentVersionExpiration: rule.NoncurrentVersionExpiration }
      : {}),
  };
}

async function createQueue(
  client: SQSClient,
  p: Record<string, unknown>,
  rename: Rename,
  cloud: ProvisionedCloud,
) {
  const name = rename(physicalName(p, 'QueueName'));
  const attributes: Record<string, string> = {};
  for (const key of [
    'VisibilityTimeout',
    'MessageRetentionPeriod',
    'DelaySeconds',
    'ReceiveMessageWaitTimeSeconds',
  ]) {
    if (p[key] !== undefined) attributes[key] = String(p[key]);
  }
  const redrive = p.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number } | undefined;
  if (redrive) {
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: resolveQueueArn(redrive.deadLetterTargetArn, cloud),
      maxReceiveCount: redrive.maxReceiveCount,
    });
  }
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { name, url: QueueUrl, arn: Attributes?.QueueArn ?? '' };
}

/** Resolves `Fn::GetAtt: [Queue, Arn]` against queues already created. */
export function resolveQueueArn(ref: unknown, cloud: ProvisionedCloud): string {
  if (typeof ref === 'string') return ref;
  const getAtt = (ref as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  const queue = getAtt && cloud.queues[getAtt[0]];
  if (!queue) throw new Error(`Cannot resolve queue reference ${JSON.stringify(ref)} locally`);
  return queue.arn;
}
