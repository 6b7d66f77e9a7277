import type { RecordType } from '#policy/index';

type Json = Record<string, unknown>;

/** The fields a valid record of each type carries: every field it may carry, required and optional. */
export const FIELDS: Record<RecordType, Json> = {
  'user.login': { userId: 'u-1', clientIp: '203.0.113.7', country: 'DE', result: 'success' },
  'user.login_failed': { userId: 'u-1', clientIp: '2001:db8::1', country: 'FR', result: 'failure' },
  'user.registered': { userId: 'u-2', clientIp: '198.51.100.1', country: 'JP', result: 'success' },
  'user.registration_failed': { userId: 'u-3', clientIp: '198.51.100.2', country: 'US', result: 'failure' },
  'user.deleted': { userId: 'u-2' },
  'message.sms_sent': { userId: 'u-1', clientIp: '203.0.113.8', country: 'GB', result: 'success' },
  'message.email_sent': { userId: 'u-1' },
  'admin.action': {
    region: 'eu-frankfurt',
    apiVersion: '2026-01-01',
    appId: 'app-1',
    uin: '100001',
    subAccountUin: '100002',
    clientIp: '203.0.113.9',
    requestSource: 'console',
    camContext: { clientIp: '203.0.113.10', qToken: 'secret-token' },
    logRegion: 'eu-frankfurt',
    requestId: 'req-1',
  },
  'api.invocation': { requestIp: '192.0.2.1' },
  'app.created': { appId: 'app-1', appType: 'web' },
  'app.deleted': { appId: 'app-1' },
  'security.asset': {
    appId: 'app-1',
    uin: '100001',
    serverId: 'srv-1',
    serverName: 'web-01',
    serverIp: '10.0.0.5',
    os: 'Linux',
    agentVersion: '1.2.3',
  },
  'security.container_event': {
    clusterId: 'cl-1',
    containerId: 'ct-1',
    imageId: 'img-1',
    eventType: 'reverse-shell',
    severity: 'high',
    detail: 'bash spawned a reverse shell',
  },
  'security.business_report': {
    reportType: 'virus-scan',
    count: 3,
    purchasedResources: 10,
    imageLicences: 0,
    logStorageGb: 12.5,
  },
  'security.product_config': { configKey: 'scan.schedule', configValue: 'daily' },
  'security.version': { component: 'agent', version: '1.2.3' },
};

let serial = 0;

/**
 * A valid capture record of `type`, happening now unless `occurredAt` is given; `overrides` replace
 * fields, and an `undefined` override removes the field.
 */
export function validRecord(type: string, overrides: Json = {}): Json {
  const fields = (FIELDS as Record<string, Json>)[type] ?? {};
  const record: Json = {
    id: `rec-${process.pid}-${++serial}`,
    type,
    occurredAt: new Date().toISOString(),
    ...fields,
    ...overrides,
  };
  for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete record[key];
  return record;
}
