import { archiveOnTermination, fixed } from './rules.ts';
import type { ModulePolicy } from './types.ts';

// Container Security: the privacy-policy module of seed 002, as SPEC §1 narrows it. The wording
// fields quote the seed as written. The seed names "basic server information" without listing it,
// and lists no field of container security or product configuration data; `fields` are the least
// that locates a container-related problem on a server.

// "a minimum of 180 days", then on termination kept in object storage and deleted 30 days later
// or once the 180-day minimum is met, whichever is later.
const archived = archiveOnTermination(180, 30);
const contract =
  'We process this information as it is necessary for us to perform our contract with you to provide the Feature.';
const providingTheFeature = 'providing the Feature to you';
const locateAndSolve = 'to locate and solve container-related problems';
const functionsAsRequired = 'ensuring the Feature functions as required';
const archivedText =
  'We retain such data for a minimum of 180 days. We retain such data until you terminate your use of the relevant Hosting Service(s), in which case we will temporarily retain this data in our COS feature and delete the same (i) 30 days thereafter or (ii) after the minimum number of days required to meet the 180-days minimum data retention threshold (as applicable).';
const fixedText = 'We retain such data for 180 days.';
const withCos =
  'Please note that this data is stored and backed up in our MongoDB and MySQL features, temporarily stored and backed up in our COS feature, and integrated with the relevant Hosting Service you are subscribed to.';
const withoutCos =
  'Please note that this data is stored and backed up in our MongoDB and MySQL features, and integrated with the relevant Hosting Service you are subscribed to.';
const common = {
  module: 'container-security',
  source: '002',
  legalBasis: 'contract',
  legalBasisText: contract,
  stored: true,
  storage: 'dynamodb',
  secretFields: [],
} as const;

export const containerSecurity = {
  module: {
    name: 'Container Security Service',
    sources: [
      {
        id: '002',
        title: 'Tencent Container Security Service: Privacy Policy',
        kind: 'privacy-policy',
        statements: {
          controllership:
            'The controller of the personal information described in this Module is as specified in the Privacy Policy.',
          storageAndSharing: 'As specified in the Privacy Policy.',
        },
      },
    ],
    availabilityText: 'This Feature is available to users globally, except Russia.',
    unavailableRegions: ['RU'],
    requiresHosting: [
      { id: 'cvm', name: 'Cloud Virtual Machine (CVM)' },
      { id: 'ecm', name: 'Edge Computing Machine (ECM)' },
      { id: 'lighthouse', name: 'Tencent Cloud Lighthouse' },
      { id: 'blackrock', name: 'Blackrock Physical Server' },
    ],
    hostingRequirementText:
      'Please note that this Feature is only available if you are subscribed to our Tencent Cloud hosting services, including Cloud Virtual Machine (CVM), Edge Computing Machine (ECM),Tencent Cloud Lighthouse, and/or Blackrock Physical Server (collectively or individually (as applicable) the “Hosting Service”).',
    // Without a Hosting Service the Feature is not available, and its data is kept "until you
    // terminate your use of the relevant Hosting Service(s)": the end of the last one ends its use.
    terminationTriggers: [
      {
        when: 'hostingEnded',
        text: 'We retain such data until you terminate your use of the relevant Hosting Service(s)',
      },
    ],
  },
  categories: {
    'asset-management-data': {
      ...common,
      name: 'Asset Management Data',
      listedFields: ['APPID', 'UIN', 'basic server information under your account'],
      useText:
        'We use this information for the purposes of providing the Feature to you, including to locate and solve container-related problems.',
      purposes: [providingTheFeature, locateAndSolve],
      storageText:
        'Please note that this data is stored and backed up in our TencentDB for MongoDB (MongoDB) and TencentDB for MySQL (MySQL) features, temporarily stored and backed up in our Cloud Object Storage (COS) feature, and integrated with the relevant Hosting Service you are subscribed to.',
      retentionText: archivedText,
      rule: archived,
      fields: ['appId', 'uin', 'serverId', 'serverName', 'serverIp', 'os', 'agentVersion'],
      storedScope:
        'APPID, UIN and the basic server information that locates a server: its id, name, IP, OS and agent version',
    },
    'container-security-data': {
      ...common,
      name: 'Container Security Data',
      listedFields: [],
      useText:
        'We use this information for the purposes of providing the Feature to you, including to locate and solve container-related problems.',
      purposes: [providingTheFeature, locateAndSolve],
      storageText: withCos,
      retentionText: archivedText,
      rule: archived,
      fields: ['clusterId', 'containerId', 'imageId', 'eventType', 'severity', 'detail'],
      storedScope: 'a security event of a container: where it happened, what it was and how severe',
    },
    'business-operation-data': {
      ...common,
      name: 'Business Operation Data',
      listedFields: [
        'security reports of customer servers (total number of risks of container escape, asset management, image risk, cluster security, baseline management, virus scanning, malicious outgoing requests, abnormal process, abnormal K8s API request, reverse shell, file check, abnormal process, file tampering, high-risk system calls)',
        'the amount of resources needed to run the container (Container Security Pro)',
        'the number of image licenses',
        'the amount of log analysis storage you have purchased',
      ],
      useText:
        'We use this information for the purpose of providing the Feature to you, including providing you a security report of the Feature.',
      purposes: [providingTheFeature, 'providing you a security report of the Feature'],
      storageText: withCos,
      retentionText: archivedText,
      rule: archived,
      fields: ['reportType', 'count', 'purchasedResources', 'imageLicences', 'logStorageGb'],
      values: {
        // The twelve report kinds of SPEC §1: the seed's list, less "asset management" (a category
        // of its own) and the second "abnormal process".
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
    },
    'product-configuration-data': {
      ...common,
      name: 'Product Configuration Data',
      listedFields: [],
      useText:
        'We use this information for the purposes of providing the Feature to you, and ensuring the Feature functions as required.',
      purposes: [providingTheFeature, functionsAsRequired],
      storageText: withoutCos,
      retentionText: fixedText,
      rule: fixed(180),
      fields: ['configKey', 'configValue'],
      storedScope: 'one setting of the product: its key and value',
    },
    'version-management-data': {
      ...common,
      name: 'Version Management Data',
      listedFields: [
        'the current released versions of the installation package, based on the version selected by you when purchasing the Feature',
      ],
      useText: 'We use this information for the purpose of ensuring the Feature functions as required.',
      purposes: [functionsAsRequired],
      storageText: withoutCos,
      retentionText: fixedText,
      rule: fixed(180),
      fields: ['component', 'version'],
    },
  },
  recordTypes: {
    'security.asset': { category: 'asset-management-data' },
    'security.container_event': { category: 'container-security-data' },
    'security.business_report': { category: 'business-operation-data' },
    'security.product_config': { category: 'product-configuration-data' },
    'security.version': { category: 'version-management-data' },
  },
} as const satisfies ModulePolicy;
