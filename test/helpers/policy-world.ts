import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { vi } from 'vitest';
import type { PolicyDeclarations } from '#policy/index';
import type { Tenant } from '#store/ports';
import type { IsolatedCloud } from './isolated-cloud.ts';

// The code as built with one policy: every module that reads the policy, imported afresh with the
// declarations module replaced by the given declaration set (production code reads the one in
// shared/policy/declarations.ts). Two worlds can live side by side in one test: data stored by the
// code of one policy, then reconciled and swept by the code of another — or, during a rolling
// deploy, captures of the old code still writing while the new code reconciles.

const DECLARATIONS = new URL('../../shared/policy/declarations.ts', import.meta.url).pathname;

/** Clients a world's stores use (the cloud's own, or clients with faults injected). */
export interface WorldClients {
  dynamodb: DynamoDBClient;
  s3: S3Client;
}

/** Loads the code built with `declarations` (the real policy when omitted). */
export async function worldUnder(cloud: IsolatedCloud, declarations?: PolicyDeclarations) {
  vi.resetModules();
  if (declarations)
    vi.doMock(DECLARATIONS, async (original) => ({ ...(await original<object>()), POLICY: declarations }));
  else vi.doUnmock(DECLARATIONS);
  const [policy, sweep, stores, reconcile, terminate, policyState, reconcileIndex, tenants, preview] =
    await Promise.all([
      import('#policy/index'),
      import('./sweep.ts'),
      import('./stores.ts'),
      import('../../functions/sweepExpired/reconcile.ts'),
      import('../../functions/terminateAccount/terminate.ts'),
      import('#store/policy-state'),
      import('#store/reconcile-index'),
      import('#store/tenants'),
      import('../../functions/sweepExpired/reconcile-preview.ts'),
    ]);
  vi.doUnmock(DECLARATIONS);

  const documents = (clients: WorldClients) =>
    DynamoDBDocumentClient.from(clients.dynamodb, { marshallOptions: { removeUndefinedValues: true } });

  /** What the reconciliation needs, on the given clients. */
  const reconcileDeps = (clients: WorldClients = cloud.clients) => {
    const db = documents(clients);
    const s = stores.storesOf(cloud, db, clients.s3);
    const swept = sweep.sweepStores(cloud, clients.s3, clients.dynamodb);
    return {
      index: new reconcileIndex.DynamoReconcileIndex(db, cloud.tables.RecordsTable as string),
      due: swept.index,
      archive: s.objects,
      objects: swept.objects,
      state: new policyState.DynamoPolicyState(db, cloud.tables.TenantsTable as string),
      tenants: new tenants.DynamoTenantStore(db, cloud.tables.TenantsTable as string),
      lateWriterMs: 0,
      reserveMs: 0,
      remainingMs: () => 600_000,
    };
  };

  return {
    policy,
    version: policy.POLICY_VERSION,
    /** Stores records as this world's capture would have, each at its own time. */
    capture: (
      tenantId: string,
      records: Parameters<typeof sweep.storeHistory>[2],
      options?: Parameters<typeof sweep.storeHistory>[3],
    ) => sweep.storeHistory(cloud, tenantId, records, options),
    /** One reconciliation step at `now`. */
    reconcile: (
      now: Date,
      overrides: Partial<ReturnType<typeof reconcileDeps>> & { clients?: WorldClients } = {},
    ) => {
      const { clients, ...rest } = overrides;
      return reconcile.reconcilePolicy({ ...reconcileDeps(clients), now: () => now, ...rest });
    },
    /** The dry run of a reconciliation at `now` (from the policy in force, else from `fallback`). */
    preview: (now: Date, fallback: PolicyDeclarations) =>
      preview.previewReconciliation(reconcileDeps(), now, {
        version: policy.policyVersionOf(fallback),
        declarations: fallback,
      }),
    /** Reconciles until the job completes (both passes), as the scheduled runs would. */
    async reconcileFully(now: Date) {
      for (let run = 0; run < 20; run++) {
        const outcome = await reconcile.reconcilePolicy({ ...reconcileDeps(), now: () => now });
        if (outcome.status === 'completed' || outcome.status === 'in-force' || outcome.status === 'baseline')
          return outcome;
      }
      throw new Error('the reconciliation did not complete in 20 runs');
    },
    /** One sweep at `now`, as this world's sweep. */
    sweep: (now: Date) => sweep.runSweep(sweep.sweepStores(cloud), now, { runId: randomUUID() }),
    /** Terminates a tenant's module with this world's code. */
    terminate: (tenantId: string, module: 'ciam' | 'container-security', requestedAt: Date, now: Date) =>
      terminate.terminate(
        { tenantId, module, requestedAt: requestedAt.toISOString() },
        stores.terminateDeps(cloud, { now: () => now, lateWriterMs: 0 }),
      ),
    /** Registers a tenant (in the tenants table) that uses both modules since `openedAt`. */
    async registerTenant(openedAt: Date, id: string = randomUUID()) {
      const tenant: Tenant = {
        id,
        name: 'policy-world',
        modules: ['ciam', 'container-security'],
        maxUsers: 1_000_000,
        region: 'DE',
        openedAt: openedAt.toISOString(),
        createdAt: openedAt.toISOString(),
        status: 'active',
        terminations: {},
        hostingServices: ['cvm'],
      };
      await stores.storesOf(cloud).tenants.create(tenant, {
        keyId: randomUUID(),
        keyHash: randomUUID(),
        createdAt: openedAt.toISOString(),
      });
      return tenant;
    },
    state: () => reconcileDeps().state,
    /** The due index as this world's sweep files entries in it. */
    dueIndex: () => reconcileDeps().due,
    holds: () => stores.storesOf(cloud).holds,
  };
}

export type World = Awaited<ReturnType<typeof worldUnder>>;
