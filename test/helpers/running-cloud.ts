import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { localClients } from '#local/cloud';
import { resolveService } from '#local/template';
import type { IsolatedCloud } from './isolated-cloud.ts';

/**
 * The tables, bucket and queues of a local cloud started by `npm start` (stage `local`), in the
 * shape the snapshot helpers take, so a test can check what requests changed there.
 */
export async function runningCloud(ports: { dynamodb: number; aws: number }): Promise<IsolatedCloud> {
  const endpoints = {
    dynamodbEndpoint: `http://127.0.0.1:${ports.dynamodb}`,
    awsEndpoint: `http://127.0.0.1:${ports.aws}`,
  };
  const clients = localClients(endpoints);
  const service = await resolveService('local');
  const named = (type: string, key: string) =>
    Object.fromEntries(
      Object.entries(service.resources)
        .filter(([, r]) => r.Type === type)
        .map(([id, r]) => [id, r.Properties?.[key] as string]),
    );
  const queues: IsolatedCloud['queues'] = {};
  for (const [id, name] of Object.entries(named('AWS::SQS::Queue', 'QueueName'))) {
    const { QueueUrl = '' } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    queues[id] = { name, url: QueueUrl, arn: '' };
  }
  return {
    clients,
    endpoints,
    tables: named('AWS::DynamoDB::Table', 'TableName'),
    buckets: named('AWS::S3::Bucket', 'BucketName'),
    queues,
    destroy: () => undefined,
  };
}
