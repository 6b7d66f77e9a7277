import { archiveOnTermination, fixed } from './rules.ts';
import type { ModulePolicy } from './types.ts';

// Container Security: the privacy-policy module of seed 002, as SPEC §1 narrows it. The seed names
// "basic server information" without listing it; the fields below are the least that locates a
// container-related problem on a server.

// The seed's retention: "a minimum of 180 days", then on termination kept in object storage and
// deleted 30 days later or once the 180-day minimum is met, whichever is later.
const archived = archiveOnTermination(180, 30);
const securityPurposes = ['providing container security protection', 'security operations and analysis'];

export const containerSecurity = {
  module: {
    name: 'Container Security Service',
    sources: ['002'],
    unavailableRegions: ['RU'],
    // "This Feature is only available if you are subscribed to our Tencent Cloud hosting services".
    requiresHosting: [
      { id: 'cvm', name: 'Cloud Virtual Machine (CVM)' },
      { id: 'ecm', name: 'Edge Computing Machine (ECM)' },
      { id: 'lighthouse', name: 'Tencent Cloud Lighthouse' },
      { id: 'blackrock', name: 'Blackrock Physical Server' },
    ],
  },
  categories: {
    'asset-management-data': {
      module: 'container-security',
      name: 'Asset management data (APPID, UIN, basic server information)',
      purposes: securityPurposes,
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['appId', 'uin', 'serverId', 'serverName', 'serverIp', 'os', 'agentVersion'],
      secretFields: [],
      rule: archived,
    },
    'container-security-data': {
      module: 'container-security',
      name: 'Container security data',
      purposes: securityPurposes,
      legalBasis: 'contract',
      storage: 'dynamodb',
      fields: ['clusterId', 'containerId', 'imageId', 'eventType', 'severity', 'detail'],
      secretFields: [],
      rule: archived,
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
      rule: archived,
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
    'security.asset': { category: 'asset-management-data' },
    'security.container_event': { category: 'container-security-data' },
    'security.business_report': { category: 'business-operation-data' },
    'security.product_config': { category: 'product-configuration-data' },
    'security.version': { category: 'version-management-data' },
  },
} as const satisfies ModulePolicy;
