import type { TestProject } from 'vitest/node';
import { type Emulators, startEmulators } from '#local/emulators';
import { resolveService } from '#local/template';

declare module 'vitest' {
  export interface ProvidedContext {
    localCloud: {
      dynamodbEndpoint: string;
      awsEndpoint: string;
      resources: Awaited<ReturnType<typeof resolveService>>['resources'];
      functions: Awaited<ReturnType<typeof resolveService>>['functions'];
    };
  }
}

let emulators: Emulators | undefined;

/** Starts DynamoDB Local and fauxqs once per run, on free ports, with the template resolved by osls. */
export async function setup(project: TestProject): Promise<void> {
  const [service, started] = await Promise.all([resolveService('test'), startEmulators()]);
  emulators = started;
  project.provide('localCloud', {
    dynamodbEndpoint: started.dynamodbEndpoint,
    awsEndpoint: started.awsEndpoint,
    resources: service.resources,
    functions: service.functions,
  });
}

export async function teardown(): Promise<void> {
  await emulators?.stop();
}
