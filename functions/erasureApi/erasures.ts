import { randomUUID } from 'node:crypto';
import { InvalidInput } from '#shared/errors';
import { isUserId } from '#shared/ids';
import { type ErasureRequest, subjectOf } from '#shared/messages';
import { erasureReceiptKey } from '#store/keys';
import type { MessageQueue, Tenant } from '#store/ports';

/**
 * Asks for one user's personal data to be erased: each request is its own job with its own
 * receipt, carried out by `eraseUser` through the erasure queue. The answer names the user only by
 * a hash.
 */
export async function requestErasure(
  input: { tenant: Tenant; userId: unknown },
  deps: { requests: MessageQueue; now: () => Date },
) {
  const { tenant, userId } = input;
  if (!isUserId(userId))
    throw new InvalidInput('userId must be 1 to 128 characters without control characters.', [
      { pointer: '/userId', detail: 'invalid user id' },
    ]);
  const requestedAt = deps.now().toISOString();
  const request: ErasureRequest = {
    kind: 'erasure',
    erasureId: randomUUID(),
    tenantId: tenant.id,
    userId,
    requestedAt,
  };
  await deps.requests.sendAll([request]);
  return {
    tenantId: tenant.id,
    erasureId: request.erasureId,
    subject: subjectOf(tenant.id, userId),
    requestedAt,
    receipt: erasureReceiptKey(tenant.id, request.erasureId),
  };
}
