import type { Logger } from '@aws-lambda-powertools/logger';
import { DomainError, IdConflict } from '#shared/errors';
import type { QueuedCapture } from '#shared/messages';
import { type CognitoPools, type CountryLookup, mapCognitoTrigger } from '#shared/sources/index';
import type { MessageQueue, TenantStore } from '#store/ports';
import type { CaptureDeps } from '../captureEvents/capture.ts';
import { captureDerived } from '../captureEvents/sources.ts';

// The Cognito user pool trigger (PostAuthentication, PostConfirmation). Cognito fails the sign-in
// when a trigger throws or takes longer than about 5 s, so capture never decides the sign-in: the
// event goes back unchanged in every case, direct capture gets `captureBudgetMs`, and a capture that
// cannot finish in it is handed to the capture queue (within `queueBudgetMs`), whose consumer stores
// it; the record's derived id keeps it to one either way.

export interface TriggerDeps {
  /** the configured user pools; throws a ConfigError when the setting is missing or wrong */
  pools: () => CognitoPools;
  countries: () => CountryLookup;
  tenants: TenantStore;
  capture: CaptureDeps;
  queue: Pick<MessageQueue, 'sendAll'>;
  captureBudgetMs: number;
  queueBudgetMs: number;
  now: () => Date;
}

/** What became of one trigger event (logged; the trigger returns the event whatever it is). */
export type TriggerOutcome =
  | 'stored'
  | 'duplicate'
  | 'ignored'
  | 'queued'
  | 'refused'
  | 'tenant-inactive'
  | 'not-mapped'
  | 'lost';

class TimedOut extends Error {
  override name = 'TimedOut';
}

/** `work`, or TimedOut after `ms`; the work is left to finish or fail on its own (never unhandled). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(`did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, bound]).finally(() => clearTimeout(timer));
}

/** The trigger's handler body: captures the event's record as well as it can, and returns the event. */
export function cognitoTrigger(deps: () => TriggerDeps, logger: Logger) {
  return async <E>(event: E): Promise<E> => {
    try {
      const outcome = await captureEvent(event, deps(), logger);
      logger.info('cognito trigger', { outcome });
    } catch (error) {
      // Configuration, the country database, a bug: logged, never the sign-in's problem.
      logger.error('cognito trigger could not capture', { error: errorSummary(error) });
    }
    return event;
  };
}

async function captureEvent(event: unknown, deps: TriggerDeps, logger: Logger): Promise<TriggerOutcome> {
  const invokedAt = deps.now();
  const mapping = mapCognitoTrigger(event, { pools: deps.pools(), countries: deps.countries(), invokedAt });
  if (mapping.problems.length > 0 || !mapping.tenantId) {
    // Pointers and details only: they never carry a value of the event.
    logger.warn('cognito event not mapped', { problems: mapping.problems });
    return 'not-mapped';
  }
  if (mapping.records.length === 0) return 'ignored';
  const tenantId = mapping.tenantId;
  try {
    return await within(
      deps.captureBudgetMs,
      (async () => {
        const tenant = await deps.tenants.get(tenantId);
        if (tenant?.status !== 'active') return 'tenant-inactive' as const;
        const { results } = await captureDerived({ tenant, records: mapping.records }, deps.capture);
        return results.every((r) => r.outcome === 'duplicate') ? ('duplicate' as const) : ('stored' as const);
      })(),
    );
  } catch (error) {
    // A refusal (terminated module, past retention…) is final: a queue would only refuse it later.
    if (error instanceof DomainError && !(error instanceof IdConflict)) {
      logger.warn('cognito record refused by capture', { tenantId, refusal: error.name });
      return 'refused';
    }
    logger.warn('capture did not complete in time; handing it to the capture queue', {
      tenantId,
      error: errorSummary(error),
    });
  }
  const message: QueuedCapture = {
    kind: 'capture',
    tenantId,
    records: mapping.records,
    queuedAt: invokedAt.toISOString(),
  };
  try {
    await within(deps.queueBudgetMs, deps.queue.sendAll([message]));
    return 'queued';
  } catch (error) {
    logger.error('capture queue unavailable; the record is lost', { tenantId, error: errorSummary(error) });
    return 'lost';
  }
}

/** An error as logs may carry it: its name and message, never the event. */
function errorSummary(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'unknown', message: String(error) };
}
