import { randomBytes } from 'node:crypto';
import { localClients } from '#local/cloud';
import { type ProvisionedCloud, provision } from '#local/provision';
import type { CfnResource } from '#local/template';

/** A caller's own copy of every table, bucket and queue of serverless.yml, on shared emulators. */
export interface IsolatedCloud extends ProvisionedCloud {
  clients: ReturnType<typeof localClients>;
  endpoints: { dynamodbEndpoint: string; awsEndpoint: string };
  destroy(): void;
}

/**
 * Provisions the template's resources under a unique suffix on running emulators, so callers (test
 * files, bench figures) never share state. Free of vitest so scripts can use it too.
 */
export async function isolatedCloudOn(
  endpoints: { dynamodbEndpoint: string; awsEndpoint: string },
  resources: Record<string, CfnResource>,
): Promise<IsolatedCloud> {
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
