import { isIP } from 'node:net';
import * as v from 'valibot';
import { POLICY, type RecordType } from '#policy/index';

// The capture contract of SPEC §2, one strict schema per record type. Every key here must be a
// field the policy allows for the type's category (test/unit/capture checks it), so a schema can
// never make the project store something the policy does not name.

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const NO_CONTROL_CHARS = /^[^\u0000-\u001f]*$/;
const text = (name: string, max: number) =>
  v.pipe(
    v.string(`${name} must be a string`),
    v.minLength(1, `${name} must not be empty`),
    v.maxLength(max, `${name} must be at most ${max} characters`),
    v.regex(NO_CONTROL_CHARS, `${name} must not contain control characters`),
  );
const ip = (name: string) =>
  v.pipe(
    v.string(`${name} must be a string`),
    v.check((s) => isIP(s) !== 0, `${name} must be an IPv4 or IPv6 address`),
  );
const country = v.pipe(
  v.string('country must be a string'),
  v.regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code in capitals, e.g. DE'),
);
const result = v.picklist(['success', 'failure'], 'result must be success or failure');
const count = (name: string) =>
  v.pipe(
    v.number(`${name} must be a number`),
    v.safeInteger(`${name} must be an integer`),
    v.minValue(0, `${name} must not be negative`),
  );

// ISO-8601 date-time with a zone, and a real calendar instant (2026-02-30 is refused).
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const occurredAt = v.pipe(
  v.string('occurredAt must be a string'),
  v.check((s) => {
    const m = ISO_INSTANT.exec(s);
    if (!m) return false;
    const [, y, mo, d, h, mi, se] = m.map(Number) as number[];
    const day = new Date(Date.UTC(y as number, (mo as number) - 1, d));
    return (
      day.getUTCMonth() === (mo as number) - 1 &&
      day.getUTCDate() === d &&
      (h as number) < 24 &&
      (mi as number) < 60 &&
      (se as number) < 60
    );
  }, 'occurredAt must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-22T10:00:00Z'),
);
const common = {
  id: v.pipe(
    v.string('id must be a string'),
    v.minLength(1, 'id must not be empty'),
    v.maxLength(128, 'id must be at most 128 characters'),
    v.regex(/^[A-Za-z0-9._:-]+$/, 'id may contain only letters, digits and . _ : -'),
  ),
  type: v.string(),
  occurredAt,
};
const record = <T extends v.ObjectEntries>(entries: T) =>
  v.strictObject(
    { ...common, ...entries },
    (issue) => `field ${String(issue.expected ?? issue.input)} is not expected`,
  );

const userOperation = record({
  userId: text('userId', 128),
  clientIp: ip('clientIp'),
  country,
  result: v.optional(result),
});
const userReference = record({
  userId: text('userId', 128),
  clientIp: v.optional(ip('clientIp')),
  country: v.optional(country),
  result: v.optional(result),
});
const reportTypes = POLICY.categories['business-operation-data'].values.reportType;

export const RECORD_SCHEMAS = {
  'user.login': userOperation,
  'user.login_failed': userOperation,
  'user.registered': userOperation,
  'user.registration_failed': userOperation,
  'user.deleted': userReference,
  'message.sms_sent': userReference,
  'message.email_sent': userReference,
  'admin.action': record({
    region: text('region', 64),
    apiVersion: text('apiVersion', 32),
    appId: text('appId', 128),
    uin: text('uin', 64),
    subAccountUin: v.optional(text('subAccountUin', 64)),
    clientIp: ip('clientIp'),
    requestSource: text('requestSource', 64),
    camContext: v.optional(
      v.strictObject(
        {
          clientIp: v.optional(ip('camContext.clientIp')),
          qToken: v.optional(text('camContext.qToken', 4096)),
        },
        (issue) => `camContext has no field ${String(issue.expected ?? issue.input)}`,
      ),
    ),
    logRegion: v.optional(text('logRegion', 64)),
    requestId: text('requestId', 128),
  }),
  'api.invocation': record({ requestIp: ip('requestIp') }),
  'app.created': record({ appId: text('appId', 128), appType: text('appType', 64) }),
  'app.deleted': record({ appId: text('appId', 128), appType: v.optional(text('appType', 64)) }),
  'security.asset': record({
    appId: text('appId', 128),
    uin: text('uin', 64),
    serverId: text('serverId', 128),
    serverName: v.optional(text('serverName', 256)),
    serverIp: v.optional(ip('serverIp')),
    os: v.optional(text('os', 128)),
    agentVersion: v.optional(text('agentVersion', 64)),
  }),
  'security.container_event': record({
    clusterId: v.optional(text('clusterId', 128)),
    containerId: text('containerId', 128),
    imageId: v.optional(text('imageId', 256)),
    eventType: text('eventType', 64),
    severity: v.optional(
      v.picklist(['low', 'medium', 'high', 'critical'], 'severity must be low, medium, high or critical'),
    ),
    detail: v.optional(text('detail', 2048)),
  }),
  'security.business_report': record({
    reportType: v.picklist(reportTypes, `reportType must be one of ${reportTypes.join(', ')}`),
    count: count('count'),
    purchasedResources: v.optional(count('purchasedResources')),
    imageLicences: v.optional(count('imageLicences')),
    logStorageGb: v.optional(
      v.pipe(
        v.number('logStorageGb must be a number'),
        v.finite('logStorageGb must be finite'),
        v.minValue(0, 'logStorageGb must not be negative'),
      ),
    ),
  }),
  'security.product_config': record({
    configKey: text('configKey', 128),
    configValue: v.optional(
      v.pipe(
        v.string('configValue must be a string'),
        v.maxLength(4096, 'configValue must be at most 4096 characters'),
      ),
    ),
  }),
  'security.version': record({ component: text('component', 64), version: text('version', 64) }),
} satisfies Record<RecordType, v.GenericSchema>;
