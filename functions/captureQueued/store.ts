import { InvalidInput, ModuleTerminated, PolicyRefusal } from '#shared/errors';
import { PoisonMessage, type QueuedCapture } from '#shared/messages';
import type { TenantStore } from '#store/ports';
import type { CaptureDeps } from '../captureEvents/capture.ts';
import { captureDerived } from '../captureEvents/sources.ts';

export type QueuedOutcome = 'stored' | 'duplicate' | 'tenant-inactive';

/**
 * Stores a capture the Cognito trigger handed over, exactly as the trigger would have: the same
 * validation and use case, so a record the trigger did store meanwhile is a duplicate. A store
 * outage throws (the queue retries); what capture refuses can never succeed, so it is poison.
 */
export async function storeQueuedCapture(
  message: QueuedCapture,
  deps: CaptureDeps & { tenants: TenantStore },
): Promise<QueuedOutcome> {
  const tenant = await deps.tenants.get(message.tenantId);
  if (!tenant) throw new PoisonMessage(`tenant ${message.tenantId} does not exist`);
  // Terminated since: nothing that arrives late re-creates its data (SPEC §4).
  if (tenant.status !== 'active') return 'tenant-inactive';
  try {
    const { results } = await captureDerived({ tenant, records: message.records }, deps);
    return results.every((r) => r.outcome === 'duplicate') ? 'duplicate' : 'stored';
  } catch (error) {
    if (error instanceof ModuleTerminated) return 'tenant-inactive';
    if (error instanceof InvalidInput || error instanceof PolicyRefusal)
      throw new PoisonMessage(`capture refuses the queued records: ${error.message}`, { cause: error });
    throw error;
  }
}
