import { describe, expect, it } from 'vitest';
import { category, listCategories, POLICY } from '#policy/index';
import { SEED_CELLS } from './seed-cells.ts';

// The seeds' own words, cell by cell (seed-cells.ts, copied from the source documents): the
// declarations must say what the seeds say, and each rule must be the one its wording gives.

/** The words of a text, without punctuation and the connectors a list is written with (the listed
 * items may regroup the seed's brackets, never change, drop or add a word). */
const words = (text: string) =>
  text
    .replace(/[()[\]:;,.]/g, ' ')
    .split(/\s+/)
    .filter((w) => w && w !== 'and' && w !== 'including');

describe('the declarations, against the seeds', () => {
  it('quotes every declared category, and no other', () => {
    expect(Object.keys(SEED_CELLS).sort()).toEqual(
      listCategories()
        .map((c) => c.id)
        .sort(),
    );
  });

  it.each(Object.entries(SEED_CELLS))(
    'names %s and lists its personal information as the seed does',
    (id, cells) => {
      const declared = category(id);
      expect(cells.personalInformation.startsWith(declared.name)).toBe(true);
      expect(words(declared.listedFields.join(' '))).toEqual(
        words(cells.personalInformation.slice(declared.name.length)),
      );
    },
  );

  it.each(Object.entries(SEED_CELLS))(
    'gives %s the use and storage note of the seed, verbatim',
    (id, cells) => {
      const declared = category(id);
      expect(`${declared.useText} ${declared.storageText}`).toBe(cells.use);
      expect(declared.purposes.length).toBeGreaterThan(0);
      for (const purpose of declared.purposes) expect(declared.useText).toContain(purpose);
    },
  );

  it.each(Object.entries(SEED_CELLS))(
    'gives %s the legal basis and retention wording of the seed',
    (id, cells) => {
      const declared = category(id);
      expect(declared.legalBasisText).toBe(cells.legalBasis);
      expect(declared.retentionText).toBe(cells.retention);
    },
  );

  it('keeps each rule to what its wording says', () => {
    for (const c of listCategories()) {
      const text = c.retentionText;
      switch (c.rule.kind) {
        case 'fixed':
          expect(text, c.id).toMatch(new RegExp(`\\b${c.rule.days} days\\.$`));
          break;
        case 'untilTermination':
          expect(text, c.id).toContain(
            'When your use of the Feature is terminated, we will delete this data.',
          );
          break;
        case 'untilDeletedOrTermination':
          expect(text, c.id).toContain('until you manually delete such data');
          expect(text, c.id).toContain('terminate your use of the Feature, we will delete such data');
          break;
        case 'archiveOnTermination':
          expect(text, c.id).toContain(`a minimum of ${c.rule.minDays} days`);
          expect(text, c.id).toContain(`(i) ${c.rule.graceDays} days thereafter`);
          expect(text, c.id).toContain('temporarily retain this data in our COS feature');
          break;
      }
    }
  });
});

describe('the modules, against the seeds', () => {
  it('states where each module is available as the seed does', () => {
    expect(POLICY.modules.ciam.availabilityText).toBe('This Feature is available to users globally.');
    expect(POLICY.modules['container-security'].availabilityText).toBe(
      'This Feature is available to users globally, except Russia.',
    );
  });

  it('requires the hosting services the Container Security seed names, in its words', () => {
    const module = POLICY.modules['container-security'];
    expect(module.hostingRequirementText).toBe(
      'Please note that this Feature is only available if you are subscribed to our Tencent Cloud hosting services, including Cloud Virtual Machine (CVM), Edge Computing Machine (ECM),Tencent Cloud Lighthouse, and/or Blackrock Physical Server (collectively or individually (as applicable) the “Hosting Service”).',
    );
    for (const service of module.requiresHosting)
      expect(module.hostingRequirementText).toContain(service.name);
  });

  it('takes the end of hosting as a termination from the seed retention wording', () => {
    const [trigger] = POLICY.modules['container-security'].terminationTriggers;
    expect(trigger?.text).toBe(
      'We retain such data until you terminate your use of the relevant Hosting Service(s)',
    );
    expect(SEED_CELLS['asset-management-data']?.retention).toContain(trigger?.text);
  });
});
