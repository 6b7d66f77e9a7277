import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { type IsolatedCloud, isolatedCloudOn } from './isolated-cloud.ts';

export type { IsolatedCloud };

/** Provisions the template's resources under a unique suffix so test files never share state. */
export async function isolatedCloud(): Promise<IsolatedCloud> {
  const { dynamodbEndpoint, awsEndpoint, resources } = inject('localCloud');
  return isolatedCloudOn({ dynamodbEndpoint, awsEndpoint }, resources);
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
