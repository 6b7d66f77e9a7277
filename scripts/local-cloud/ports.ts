import getPort from 'get-port';

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return getPort({ host: '127.0.0.1' });
}
