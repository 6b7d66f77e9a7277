import { Server } from 'node:net';

/**
 * The address every part of the local cloud listens on: loopback, so nothing on the network can
 * reach DynamoDB Local (which has no authentication) or the S3/SQS emulator. `LOCAL_CLOUD_HOST=0.0.0.0`
 * opts into every interface (e.g. to reach the local cloud from another container or machine).
 */
export function bindHost(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCAL_CLOUD_HOST?.trim() || '127.0.0.1';
}

const EVERY_INTERFACE = new Set(['0.0.0.0', '::', '']);

/**
 * Runs `start` with every server it opens that would listen on all interfaces bound to `host`
 * instead. fauxqs has no bind option (it always listens on 0.0.0.0), so its listen call is
 * redirected for the duration of its start; nothing else in the process is affected afterwards.
 */
export async function listeningOn<T>(host: string, start: () => Promise<T>): Promise<T> {
  if (EVERY_INTERFACE.has(host)) return start();
  const listen = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    const [first] = args;
    if (
      first &&
      typeof first === 'object' &&
      EVERY_INTERFACE.has(String((first as { host?: string }).host ?? ''))
    )
      args[0] = { ...(first as object), host };
    return (listen as (...a: unknown[]) => Server).apply(this, args);
  } as typeof listen;
  try {
    return await start();
  } finally {
    Server.prototype.listen = listen;
  }
}
