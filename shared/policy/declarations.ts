// The policy, as data: SPEC §1, taken from the privacy-policy modules in ../shared/seeds
// (000/001: CIAM, 002: Container Security). Adding a category or a module is adding a declaration
// here; the functions in this folder and everything that calls them follow without code changes.

/** How long a category's records are kept. */
export type RetentionRule =
  | { readonly kind: 'fixed'; readonly days: number }
  | { readonly kind: 'untilTermination' }
  | { readonly kind: 'untilDeletedOrTermination' }
  | { readonly kind: 'archiveOnTermination'; readonly minDays: number; readonly graceDays: number };

export interface ModuleDeclaration {
  readonly name: string;
  readonly sources: readonly string[];
  /** ISO 3166-1 alpha-2 regions where the module is not offered. */
  readonly unavailableRegions: readonly string[];
}

export interface CategoryDeclaration {
  readonly module: string;
  readonly name: string;
  readonly purposes: readonly string[];
  readonly legalBasis: 'contract';
  /** Where live records are kept; `archiveOnTermination` records move to `s3` at termination. */
  readonly storage: 'dynamodb' | 's3';
  /** Fields a record may store (dotted paths for nested objects); anything else is dropped. */
  readonly fields: readonly string[];
  /** Fields that are secrets: stored only as a keyed hash, never raw. */
  readonly secretFields: readonly string[];
  /** Closed sets of values some fields must take. */
  readonly values?: Readonly<Record<string, readonly string[]>>;
  readonly rule: RetentionRule;
}

export interface RecordTypeDeclaration {
  readonly category: string;
  /** The operation result the type implies; a record's own `result`, if given, must agree. */
  readonly result?: 'success' | 'failure';
}

export interface OperationalRecordDeclaration {
  readonly name: string;
  readonly reason: string;
  readonly storage: 'dynamodb' | 's3' | 'logs' | 'sqs';
  readonly rule: RetentionRule;
}

export interface PolicyDeclarations {
  readonly modules: Readonly<Record<string, ModuleDeclaration>>;
  readonly categories: Readonly<Record<string, CategoryDeclaration>>;
  readonly recordTypes: Readonly<Record<string, RecordTypeDeclaration>>;
  readonly operational: Readonly<Record<string, OperationalRecordDeclaration>>;
}

const fixed = (days: number) => ({ kind: 'fixed', days }) as const;
const untilTermination = { kind: 'untilTermination' } as const;
const untilDeletedOrTermination = { kind: 'untilDeletedOrTermination' } as const;
const archiveOnTermination = { kind: 'archiveOnTermination', minDays: 180, graceDays: 30 } as const;
const troubleshooting = 'troubleshooting';
const securityPurposes = ['providing container security protection', 'security operations and analysis'];

export const POLICY = {
  modules: {
    ciam: {
      name: 'Customer Identity and Access Management',
      sources: ['000', '001'],
      unavailableRegions: [],
    },
    'container-security': {
      name: 'Container Security Service',
      sources: ['002'],
      unavailableRegions: ['RU'],
    },
  },
  categories: {
    'admin-action-log': {
      module: 'ciam',
      name: 'Administrator action log',
      purposes: ['security audits', troubleshooting],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: [
        'region',
        'apiVersion',
        'appId',
        'uin',
        'subAccountUin',
        'clientIp',
        'requestSource',
        'camContext.clientIp',
        'camContext.qToken',
        'logRegion',
        'requestId',
      ],
      secretFields: ['camContext.qToken'],
      rule: fixed(180),
    },
    'api-invocation-log': {
      module: 'ciam',
      name: 'Cloud account API invocation log',
      purposes: [troubleshooting],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['requestIp'],
      secretFields: [],
      rule: untilTermination,
    },
    'statistical-data': {
      module: 'ciam',
      name: 'Statistical data (console and resource-usage statistics)',
      purposes: ['management statistics', 'monthly consumption statistics'],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['date', 'statistics'],
      secretFields: [],
      rule: untilTermination,
    },
    'user-operation-log': {
      module: 'ciam',
      name: 'User operation log (login, registration and other user operations)',
      purposes: ["managing the feature's operation"],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['userId', 'clientIp', 'country', 'result'],
      secretFields: [],
      rule: untilTermination,
    },
    'user-attributes': {
      module: 'ciam',
      name: 'Built-in user attributes needed for statistics',
      purposes: ['providing the feature'],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['userId', 'createdAt', 'lastLoginAt', 'country', 'status', 'wrongLoginCount', 'lockedAt'],
      secretFields: [],
      rule: untilDeletedOrTermination,
    },
    'application-data': {
      module: 'ciam',
      name: 'Application management data',
      purposes: ['providing the feature'],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['appId', 'appType', 'createdAt'],
      secretFields: [],
      rule: untilDeletedOrTermination,
    },
    'asset-management-data': {
      module: 'container-security',
      name: 'Asset management data (APPID, UIN, basic server information)',
      purposes: securityPurposes,
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['appId', 'uin', 'serverId', 'serverName', 'serverIp', 'os', 'agentVersion'],
      secretFields: [],
      rule: archiveOnTermination,
    },
    'container-security-data': {
      module: 'container-security',
      name: 'Container security data',
      purposes: securityPurposes,
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['clusterId', 'containerId', 'imageId', 'eventType', 'severity', 'detail'],
      secretFields: [],
      rule: archiveOnTermination,
    },
    'business-operation-data': {
      module: 'container-security',
      name: 'Business operation data (security report counts, purchased resources, licences, log storage)',
      purposes: ['security reports', 'billing and resource management'],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['reportType', 'count', 'purchasedResources', 'imageLicences', 'logStorageGb'],
      secretFields: [],
      values: {
        reportType: [
          'container-escape',
          'image-risk',
          'cluster-security',
          'baseline',
          'virus-scan',
          'malicious-outgoing-request',
          'abnormal-process',
          'abnormal-k8s-api-request',
          'reverse-shell',
          'file-check',
          'file-tampering',
          'high-risk-syscall',
        ],
      },
      rule: archiveOnTermination,
    },
    'product-configuration-data': {
      module: 'container-security',
      name: 'Product configuration data',
      purposes: ['providing the configured protection'],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['configKey', 'configValue'],
      secretFields: [],
      rule: fixed(180),
    },
    'version-management-data': {
      module: 'container-security',
      name: 'Version management data',
      purposes: ['managing agent and product versions'],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['component', 'version'],
      secretFields: [],
      rule: fixed(180),
    },
  },
  recordTypes: {
    'user.login': { category: 'user-operation-log', result: 'success' },
    'user.login_failed': { category: 'user-operation-log', result: 'failure' },
    'user.registered': { category: 'user-operation-log', result: 'success' },
    'user.registration_failed': { category: 'user-operation-log', result: 'failure' },
    'user.deleted': { category: 'user-operation-log' },
    'message.sms_sent': { category: 'user-operation-log' },
    'message.email_sent': { category: 'user-operation-log' },
    'admin.action': { category: 'admin-action-log' },
    'api.invocation': { category: 'api-invocation-log' },
    'app.created': { category: 'application-data' },
    'app.deleted': { category: 'application-data' },
    'security.asset': { category: 'asset-management-data' },
    'security.container_event': { category: 'container-security-data' },
    'security.business_report': { category: 'business-operation-data' },
    'security.product_config': { category: 'product-configuration-data' },
    'security.version': { category: 'version-management-data' },
  },
  // Records the project itself keeps to run and to prove what it did; none holds personal data.
  operational: {
    'deletion-receipt': {
      name: 'Deletion receipt',
      reason: 'evidence for audits that a termination or erasure was carried out; holds no personal data',
      storage: 's3',
      rule: fixed(1095),
    },
    'function-logs': {
      name: 'Function logs',
      reason: 'operating and troubleshooting the functions; logs carry no personal data by design',
      storage: 'logs',
      rule: fixed(30),
    },
    'dead-letters': {
      name: 'Queue messages that could not be processed (termination hooks, statistics jobs)',
      reason:
        'time for an operator to inspect and redrive a poison message; messages hold only ids and times',
      storage: 'sqs',
      rule: fixed(14),
    },
    'directory-deletion-marker': {
      name: 'Marker of a deleted user or application',
      reason:
        'only its id and deletion time, so an event that arrives late cannot re-create the deleted object',
      storage: 'dynamodb',
      rule: fixed(30),
    },
    's3-leftovers': {
      name: 'Incomplete multipart uploads and noncurrent object versions',
      reason: 'never useful; removed as soon as S3 lifecycle allows',
      storage: 's3',
      rule: fixed(1),
    },
  },
} as const satisfies PolicyDeclarations;
