import { fixed, untilDeletedOrTermination, untilTermination } from './rules.ts';
import type { ModulePolicy } from './types.ts';

// CIAM: the privacy-policy module (seed 000) and the data processing agreement (seed 001), as
// SPEC §1 narrows them. Fields are only those a listed purpose needs: no e-mail, phone or names.

const troubleshooting = 'troubleshooting';

export const ciam = {
  module: {
    name: 'Customer Identity and Access Management',
    sources: ['000', '001'],
    unavailableRegions: [],
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
      // The q-token is a credential: an audit only needs to tell tokens apart, not to replay one.
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
      // Of the agreement's long list, only what the console statistics need.
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
      // Of the agreement's list, only id, type and creation time: names and keys serve no purpose here.
      name: 'Application management data',
      purposes: ['providing the feature'],
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['appId', 'appType', 'createdAt'],
      secretFields: [],
      rule: untilDeletedOrTermination,
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
  },
} as const satisfies ModulePolicy;
