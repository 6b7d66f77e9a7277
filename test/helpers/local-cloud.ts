import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { localClients } from '#local/cloud';
import { type ProvisionedCloud, provision } from '#local/provision';

/** A test file's own copy of every table, bucket and queue of serverless.yml, on the shared emulators. */
export interface IsolatedCloud extends ProvisionedCloud {
  clients: ReturnType<typeof localClients>;
  endpoints: { dynamodbEndpoint: string; awsEndpoint: string };
  destroy(): void;
}

/** Provisions the template's resources under a unique suffix so test files never share state. */
export async function isolatedCloud(): Promise<IsolatedCloud> {
  const { dynamodbEndpoint, awsEndpoint, resources } = inject('localCloud');
  const endpoints = { dynamodbEndpoint, awsEndpoint };
  const clients = localClients(endpoints);
  const suffix = randomBytes(4).toString('hex');
  const cloud = await provision(resources, clients, (name) => `${name}-${suffix}`);
  return {
    ...cloud,
    clients,
    endpoints,
    destroy() {
      clients.dynamodb.destroy();
      clients.s3.destroy();
      clients.sqs.destroy();
    },
  };
}

/** Messages on a queue, visible or in flight. */
export async function queueDepth(cloud: IsolatedCloud, url: string): Promise<number> {
  const { Attributes } = await cloud.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}
