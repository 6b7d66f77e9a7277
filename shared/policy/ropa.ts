import type { PublishedPolicy } from './publish.ts';

// The GDPR Art. 30 record of processing activities, as far as the seeds say: one activity per
// category, with its purposes, legal basis, personal data, where the provider stores and shares
// it, and its retention. What the seeds only refer elsewhere for (controller, sharing, service
// region, sub-processors) is quoted as such; nothing the seeds do not say is filled in.

const ROLE = {
  // A privacy-policy module speaks as controller (Art. 30(1)); the processing agreement covers
  // processing on the customer's behalf (Art. 30(2)).
  'privacy-policy': 'controller (Art. 30(1))',
  'data-processing-agreement': "processor on the customer's behalf (Art. 30(2))",
} as const;

/** The record of processing activities (GDPR Art. 30) of a published policy. */
export function recordOfProcessing(policy: PublishedPolicy) {
  const sources = new Map(policy.sources.map((s) => [s.id, s]));
  const features = new Map<string, string>(policy.modules.map((m) => [m.id, m.name]));
  return {
    record: 'Record of processing activities (GDPR Art. 30)',
    policyVersion: policy.version,
    activities: policy.categories.map((c) => {
      const source = sources.get(c.source);
      const statements: Record<string, string> = source?.statements ?? {};
      return {
        activity: c.name,
        category: c.id,
        feature: features.get(c.module) ?? c.module,
        source: source ? `${source.id}: ${source.title}` : c.source,
        role: source ? ROLE[source.kind] : null,
        ...(statements.controllership ? { controller: statements.controllership } : {}),
        purposes: c.purposes,
        legalBasis: c.legalBasis.text ?? `${c.legalBasis.basis} (the source states no legal basis)`,
        personalData: c.listedFields,
        storageAndRecipients: [
          c.storage.sourceNote,
          ...(statements.storageAndSharing ? [`Storage and sharing: ${statements.storageAndSharing}`] : []),
          ...(statements.subProcessors ? [`Sub-processors: ${statements.subProcessors}`] : []),
        ],
        ...(statements.serviceRegion ? { serviceRegion: statements.serviceRegion } : {}),
        retention: c.retention.text,
        retentionRule: c.retention.name,
        thisBackend: c.storage.stored
          ? { stored: true, where: c.storage.where, fields: c.storage.fields }
          : { stored: false, reason: c.storage.reason },
      };
    }),
  };
}
