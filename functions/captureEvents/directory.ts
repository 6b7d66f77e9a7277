import { captureDeadline, ttlEpochSeconds } from '#policy/index';
import { directoryKey, dueKey } from '#store/record-keys';
import type { DirectoryChange } from '#store/records';

/** What the directory needs from a record. */
export interface DirectoryInput {
  tenantId: string;
  id: string;
  type: string;
  occurredAt: Date;
  fields: Record<string, unknown>;
}

const notDeleted = 'attribute_not_exists(deletedAt)';

/**
 * The directory change a record implies, or none. Every change is guarded by the record's own
 * `<time>#<id>`, so applying it twice, or after a later record, changes nothing, and the directory
 * ends the same whatever order records arrive in. It keeps only what the statistics read (user id,
 * creation, last login, last known country, status; application id, type, creation): the
 * wrong-login count and lock time the policy would allow are order-dependent and no statistic uses them.
 */
export function directoryChangeOf(record: DirectoryInput): DirectoryChange | undefined {
  const at = record.occurredAt.toISOString();
  const order = `${at}#${record.id}`;
  const f = record.fields;
  const userKey = () => directoryKey(record.tenantId, 'user', String(f.userId));
  const appKey = () => directoryKey(record.tenantId, 'app', String(f.appId));

  switch (record.type) {
    case 'user.registered':
      return {
        key: userKey(),
        kind: 'update',
        update:
          'SET userId = :user, createdAt = if_not_exists(createdAt, :at), #status = :active, ' +
          'country = if_not_exists(country, :country), category = :category, registeredKey = :order',
        condition: `${notDeleted} AND attribute_not_exists(registeredKey)`,
        names: { '#status': 'status' },
        values: {
          ':user': f.userId,
          ':at': at,
          ':active': 'active',
          ':country': f.country,
          ':category': 'user-attributes',
          ':order': order,
        },
      };
    case 'user.login':
      return {
        key: userKey(),
        kind: 'update',
        update:
          'SET userId = :user, lastLoginAt = :at, lastLoginKey = :order, country = :country, category = :category',
        condition: `${notDeleted} AND (attribute_not_exists(lastLoginKey) OR lastLoginKey < :order)`,
        names: {},
        values: {
          ':user': f.userId,
          ':at': at,
          ':order': order,
          ':country': f.country,
          ':category': 'user-attributes',
        },
      };
    case 'user.deleted':
      return deletionMarker(userKey(), record.occurredAt, order);
    case 'app.created':
      return {
        key: appKey(),
        kind: 'update',
        update:
          'SET appId = :app, appType = :appType, createdAt = if_not_exists(createdAt, :at), category = :category',
        condition: notDeleted,
        names: {},
        values: { ':app': f.appId, ':appType': f.appType, ':at': at, ':category': 'application-data' },
      };
    case 'app.deleted':
      return deletionMarker(appKey(), record.occurredAt, order);
    default:
      return undefined;
  }
}

/**
 * Replaces the entry with a bare marker (no attributes), kept only as long as the policy says: its
 * own time and category let reads and the sweep ask the policy, the due key lets the sweep find it.
 */
function deletionMarker(key: { pk: string; sk: string }, deletedAt: Date, order: string): DirectoryChange {
  const until = captureDeadline('directory-deletion-marker', deletedAt);
  return {
    key,
    kind: 'replace',
    item: {
      deletedAt: order,
      category: 'directory-deletion-marker',
      occurredAt: deletedAt.toISOString(),
      ...(until
        ? {
            deadline: until.toISOString(),
            expiresAt: ttlEpochSeconds(until),
            ...dueKey(until, key.pk, key.sk),
          }
        : {}),
    },
    condition: 'attribute_not_exists(deletedAt) OR deletedAt < :order',
    names: {},
    values: { ':order': order },
  };
}
