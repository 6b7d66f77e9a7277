import { untilDeletedOrTermination } from './rules.ts';
import type { CategoryDeclaration } from './types.ts';

// The six categories of the CIAM data processing agreement (seed 001, §2 and §5), in its words.
// Two feed the console statistics and are stored (narrowed to what they need); the other four are
// configuration the CIAM service keeps itself: declared, so the policy is the whole agreement, but
// no capture type files anything under them. The agreement has no legal-basis column.

const forTheFeature = 'We only process this data for the purposes of providing the Feature to you.';
const providingTheFeature = 'providing the Feature to you';
const untilDeleted =
  'We retain such data until you manually delete such data. Otherwise, when you delete your account or terminate your use of the Feature, we will delete such data.';
const keptByTheService =
  'configuration the CIAM service keeps itself; no capture type carries it, so this backend never receives it';
const agreement = {
  module: 'ciam',
  source: '001',
  useText: forTheFeature,
  purposes: [providingTheFeature],
  legalBasis: 'contract',
  retentionText: untilDeleted,
  rule: untilDeletedOrTermination,
} as const;
const notStored = { stored: false, notStoredReason: keptByTheService, fields: [], secretFields: [] } as const;

export const ciamAgreementCategories = {
  'user-attributes': {
    ...agreement,
    name: 'Built In User Attributes Data',
    listedFields: [
      'wrong login times',
      'locking time',
      'Alipay user ID',
      'email address',
      'update time',
      'user time zone',
      'geographical location',
      'latest login time',
      'phone number',
      'creation time',
      'user group',
      'user pool',
      'user nickname',
      'user ID',
      'user name',
      'WeChat open ID',
      'whether you have logged in for the first time',
      'user source',
      'Wechatunion ID',
      'user status',
      'QQ open ID',
      'QQunion ID',
      'whether you have real name authentication',
      'real name authentication method Name',
      'ID number',
      'whether or not the main account',
    ],
    storageText:
      'Please note that this data is integrated with, stored and backed up in our MongoDB and feature, and is also integrated with our Redis feature. If you have purchased our SMS and SES services, phone number is also integrated with our SMS feature, and email address is integrated with our SES feature.',
    stored: true,
    storage: 'dynamodb',
    // Kept by the statistics' per-user state (the user directory they count): written by the daily
    // aggregation, removed by termination or an erasure. A deleted user stays there as deleted, so that
    // re-running a past day stays exact; latest login, wrong logins and lock time are not kept.
    storedScope:
      'only what the console statistics need: user ID, creation time (first seen), country, user status',
    fields: ['userId', 'createdAt', 'lastLoginAt', 'country', 'status', 'wrongLoginCount', 'lockedAt'],
    secretFields: [],
  },
  'application-data': {
    ...agreement,
    name: 'Application Management Data',
    listedFields: [
      'M2M application: icon, application name, application type, industry, Client ID, password key, application description, access token validity, security domain, and specific configured URI of CORS',
      'Mini-Program application: style application download, configuration guide, icon, application name, application type, industry, ClientID, password key, application description, redirect URI, logout redirect URI, access token validity, refresh token, claims, registration and login process configuration, URI of security domain CORS specific configuration',
      'Mobile app: icon, application name, application type, industry, ClientID, password key, application description, redirect URI, logout redirect URI, access token validity, refresh token, claims, registration process, login process, MFA process, password forgetting process, user name forgetting process, protocol management, URI of specific configuration of security domain CORS',
      'Web application and web application: icon, application name, application type, industry, ClientID, password key, application description, redirect URI, logout redirect URI, access token validity, refresh token, claims, registration process, login process, MFA process, password forgetting process, user name forgetting process, protocol management, URI of specific configuration of security domain CORS',
    ],
    storageText:
      'Please note that this data is integrated with, stored and backed up in our Cloud Object Storage (COS) and MongoDB features.',
    stored: true,
    storage: 'dynamodb',
    storedScope:
      'only the application id, type and creation time, which the statistics count: names, keys and URIs serve no purpose here',
    fields: ['appId', 'appType', 'createdAt'],
    secretFields: [],
  },
  'user-management-configuration-data': {
    ...agreement,
    ...notStored,
    name: 'User Management Configuration Data',
    listedFields: [
      'Preset user attributes determined by you (description, nationality, user position, birthday, gender and address)',
      'User group (user group list, name, remarks, creation time and included user list)',
    ],
    storageText:
      'Please note that this data is integrated with, stored and backed up in our TencentBD for MongoDB (MongoDB) and feature, and is also integrated with our TencentDB for Redis (Redis) feature.',
  },
  'data-synchronization-settings-data': {
    ...agreement,
    ...notStored,
    name: 'Data Synchronization Settings Data',
    listedFields: [
      'Data source name',
      'data source ID',
      'description',
      'configuration guide',
      'ClientID',
      'client password key',
      'token',
      'user URL',
      'group URL',
    ],
    storageText:
      'Please note that this data is integrated with, stored and backed up in our MongoDB feature.',
  },
  'certification-management-data': {
    ...agreement,
    ...notStored,
    name: 'Certification Management Data',
    listedFields: [
      'General authentication source: authentication source icon, authentication source name, authentication source attribute, authentication source description, password policy, SMS verification code length, SMS verification code validity period, email verification code length, email verification code validity period',
      'Social authentication source: authentication source icon, authentication source name, authentication source description, AppID, app password key, attribute mapping',
    ],
    storageText:
      'Please note that this data is integrated with, stored and backed up in our COS and MongoDB features. If you have purchased our Short Message Service (SMS) and Simple Email Service (SES) services, general authentication source data is also integrated with our SMS and SES features.',
  },
  'personalization-data': {
    ...agreement,
    ...notStored,
    name: 'Personalization Data',
    listedFields: [
      'Domain name setting: domain name set and provided by you (or if needed, standard domain name provided by us)',
      'Template setting (configuration settings regarding option to use SMS and/or SES features): SMS template (SMS server, SMS login signature, SMS template ID); Mailbox template (email server, verification code template ID, retrieve password template ID, retrieve user name template ID)',
      'Real name authentication template (real name authentication service provider, security credentials of API caller (secret ID, secret key))',
    ],
    storageText:
      'Please note that this data is integrated with, stored and backed up in our MongoDB feature. If you have purchased our SMS and SES services, template setting data is also integrated with our SMS and SES features.',
  },
} as const satisfies Readonly<Record<string, CategoryDeclaration>>;
