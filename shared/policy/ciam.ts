import { ciamAgreementCategories } from './ciam-agreement.ts';
import { fixed, untilTermination } from './rules.ts';
import type { ModulePolicy } from './types.ts';

// CIAM: the privacy-policy module (seed 000) and the data processing agreement (seed 001, in
// ciam-agreement.ts), as SPEC §1 narrows them. The wording fields quote the seeds as written
// (their spelling included); `fields` are what this backend may store: only those a listed purpose
// needs, no e-mail, phone or names.

const contract =
  'We process this information as it is necessary for us to perform our contract with you to provide the Feature.';
const whileInUse =
  'We retain such data for as long as you use the Feature. When your use of the Feature is terminated, we will delete this data.';
const functionsAsRequired = 'to ensure the Feature functions as required';

export const ciam = {
  module: {
    name: 'Customer Identity and Access Management',
    sources: [
      {
        id: '000',
        title: 'CIAM Policy: Privacy Policy',
        kind: 'privacy-policy',
        lastUpdated: '2023-12-22 11:45:18',
        statements: {
          controllership:
            'The controller of the personal information described in this Module is as specified in the Privacy Policy.',
          storageAndSharing: 'As specified in the Privacy Policy.',
        },
      },
      {
        id: '001',
        title: 'CIAM Policy: Data Processing And Security Agreement',
        kind: 'data-processing-agreement',
        lastUpdated: '2023-12-22 11:45:18',
        statements: {
          serviceRegion: 'As specified in the DPSA.',
          subProcessors: 'As specified in the DPSA.',
          deletionRequests: 'You can request deletion of such personal data in accordance with the DPSA.',
          specialConditions:
            'You must ensure that this Feature is only used by end users who are of at least the minimum age at which an individual can consent to the processing of their personal data. This may be different depending on the jurisdiction in which an end user is located.',
        },
      },
    ],
    availabilityText: 'This Feature is available to users globally.',
    unavailableRegions: [],
  },
  categories: {
    'admin-action-log': {
      module: 'ciam',
      source: '000',
      name: 'Administrator Action Log',
      listedFields: [
        'Region',
        'API version',
        'timestamp',
        'App ID',
        'UIN',
        'SubAccount UIN',
        'client IP',
        'request source',
        'CAM context (client IP address, q-token)',
        'Cloud Log Service (CLS) account area',
        'request ID',
      ],
      useText:
        'We use this information to ensure the Feature functions as required, including for: security audits; and troubleshooting.',
      purposes: [functionsAsRequired, 'security audits', 'troubleshooting'],
      legalBasis: 'contract',
      legalBasisText: contract,
      storageText:
        'Please note that this data is integrated with and stored in our Cloud Log Service (CLS) feature.',
      retentionText: 'Stored for 180 days.',
      rule: fixed(180),
      stored: true,
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
    },
    'api-invocation-log': {
      module: 'ciam',
      source: '000',
      name: 'Tencent Cloud Account API Invoking Log',
      listedFields: ['timestamp', 'request IP'],
      useText:
        'We use this information to ensure the Feature functions as required, including for troubleshooting.',
      purposes: [functionsAsRequired, 'troubleshooting'],
      legalBasis: 'contract',
      legalBasisText: contract,
      storageText: 'Please note that this data is integrated with and stored in our Cloud Audit feature.',
      retentionText: whileInUse,
      rule: untilTermination,
      stored: true,
      storage: 'dynamodb',
      fields: ['requestIp'],
      secretFields: [],
    },
    'statistical-data': {
      module: 'ciam',
      source: '000',
      name: 'Statistical Data',
      listedFields: [
        'Console statistics (total number of users in the user directory, total number of applications, total number of logins in recent 7 days, total number of successful registrations in recent 7 days, total number of SMS usage, total number of mailbox usage, user growth trend (yesterday, 7 days, 30 days), user distribution map, recently logged in users, and recently registered successful users)',
        'statistics of resource usage (total monthly active user amount, usage status, maximum user limit and service opening time of this month)',
      ],
      useText:
        'We use this information to provide you with statistics on management and monthly consumption.',
      purposes: ['to provide you with statistics on management and monthly consumption'],
      legalBasis: 'contract',
      legalBasisText: contract,
      storageText:
        'Please note that this data is integrated with, stored and backed up in our TencentDB for MonogDB (MongoDB) feature.',
      retentionText: whileInUse,
      rule: untilTermination,
      stored: true,
      storage: 'dynamodb',
      fields: ['date', 'statistics'],
      secretFields: [],
    },
    'user-operation-log': {
      module: 'ciam',
      source: '000',
      name: 'User Operation Log',
      listedFields: ['Operation time', 'operation result', 'client IP'],
      useText: 'We use this information to facilitate you with managing the operation of the Feature.',
      purposes: ['to facilitate you with managing the operation of the Feature'],
      legalBasis: 'contract',
      legalBasisText: contract,
      storageText:
        'Please note that this data is integrated with, stored and backed up in our MonogDB feature.',
      retentionText: whileInUse,
      rule: untilTermination,
      stored: true,
      storage: 'dynamodb',
      // The user id and country tie an operation to the directory and the statistics it feeds.
      fields: ['userId', 'clientIp', 'country', 'result'],
      secretFields: [],
    },
    ...ciamAgreementCategories,
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
