import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { GetBucketLifecycleConfigurationCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type IsolatedCloud, isolatedCloud } from '#test/local-cloud';

// The local cloud is built from serverless.yml's own resources (resolved by osls), not a second copy.
describe('the local cloud provisioned from serverless.yml', () => {
  let cloud: IsolatedCloud;
  const { resources } = inject('localCloud');

  beforeAll(async () => {
    cloud = await isolatedCloud();
  });
  afterAll(() => cloud.destroy());

  it('creates every table, bucket and queue the template declares', () => {
    const declared = (type: string) =>
      Object.entries(resources)
        .filter(([, r]) => r.Type === type)
        .map(([id]) => id)
        .sort();
    expect(Object.keys(cloud.tables).sort()).toEqual(declared('AWS::DynamoDB::Table'));
    expect(Object.keys(cloud.buckets).sort()).toEqual(declared('AWS::S3::Bucket'));
    expect(Object.keys(cloud.queues).sort()).toEqual(declared('AWS::SQS::Queue'));
    expect(Object.keys(cloud.tables)).toEqual(expect.arrayContaining(['TenantsTable', 'RecordsTable']));
  });

  it('gives the records table the keys and indexes of the template, with TTL enabled', async () => {
    const TableName = cloud.tables.RecordsTable;
    const { Table } = await cloud.clients.dynamodb.send(new DescribeTableCommand({ TableName }));
    const declared = resources.RecordsTable?.Properties as {
      GlobalSecondaryIndexes: Array<{ IndexName: string }>;
    };
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      declared.GlobalSecondaryIndexes.map((i) => i.IndexName).sort(),
    );
    for (const table of Object.values(cloud.tables)) {
      const ttl = await cloud.clients.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: table }));
      // No TTL: every deletion is the sweep's, at the deadline the policy gives at the time.
      expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
    }
  });

  it('puts the policy-derived lifecycle rules on the data bucket', async () => {
    const Bucket = cloud.buckets.DataBucket;
    const { Rules = [] } = await cloud.clients.s3.send(
      new GetBucketLifecycleConfigurationCommand({ Bucket }),
    );
    const ids = Rules.map((r) => r.ID);
    expect(ids).toEqual(
      expect.arrayContaining(['expire-deletion-receipt', 'abort-incomplete-multipart-uploads']),
    );
    for (const rule of Rules.filter((r) => r.ID?.startsWith('expire-') && r.Expiration)) {
      expect(rule.Expiration?.Days).toBeGreaterThan(0);
    }
    await cloud.clients.s3.send(new PutObjectCommand({ Bucket, Key: 'receipts/probe.json', Body: '{}' }));
  });

  it('wires the termination queue to its dead-letter queue with the declared receive count', async () => {
    const queue = cloud.queues.TerminationQueue;
    const dlq = cloud.queues.TerminationDLQ;
    if (!queue || !dlq) throw new Error('termination queues missing');
    const { Attributes } = await cloud.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue.url, AttributeNames: ['All'] }),
    );
    const declared = resources.TerminationQueue?.Properties as {
      VisibilityTimeout: number;
      RedrivePolicy: { maxReceiveCount: number };
    };
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: declared.RedrivePolicy.maxReceiveCount,
    });
    expect(Number(Attributes?.VisibilityTimeout)).toBe(declared.VisibilityTimeout);
  });

  it('can provision the same template twice side by side without clashing', async () => {
    const other = await isolatedCloud();
    try {
      expect(other.tables.RecordsTable).not.toBe(cloud.tables.RecordsTable);
      expect(other.buckets.DataBucket).not.toBe(cloud.buckets.DataBucket);
    } finally {
      other.destroy();
    }
  });
});
