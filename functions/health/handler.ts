import { functionLogger, httpFunction } from '#http/handler';
import { json } from '#http/problem';
import { POLICY_VERSION } from '#policy/index';

/** Liveness of the HTTP API: answers without touching storage, and names the policy version in force. */
export const handler = httpFunction(functionLogger(), async () =>
  json(200, { status: 'ok', policyVersion: POLICY_VERSION }),
);
