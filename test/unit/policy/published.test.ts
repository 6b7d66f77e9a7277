import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCategories, POLICY, POLICY_VERSION, storedCategories } from '#policy/index';
import { publishedPolicy } from '#policy/publish';
import { recordOfProcessing } from '#policy/ropa';
import { policyMarkdown } from '../../../scripts/policy/markdown.ts';

const published = publishedPolicy();
const docs = readFileSync(resolve(import.meta.dirname, '../../../docs/policy.md'), 'utf8');

describe('the published policy', () => {
  it('names the version in force', () => {
    expect(published.version).toBe(POLICY_VERSION);
  });

  it('publishes every category, stored or not, with its retention in words and as a rule', () => {
    expect(published.categories.map((c) => c.id)).toEqual(listCategories().map((c) => c.id));
    for (const c of published.categories) {
      expect(c.retention.text.length, c.id).toBeGreaterThan(0);
      expect(c.retention.rule, c.id).toEqual(listCategories().find((d) => d.id === c.id)?.rule);
      expect(c.retention.inWords.length, c.id).toBeGreaterThan(0);
    }
  });

  it('says what termination does only for what is stored', () => {
    const stored = new Set<string>(storedCategories().map((c) => c.id));
    for (const c of published.categories) {
      expect(c.storage.stored, c.id).toBe(stored.has(c.id));
      expect(c.retention.atTermination === null, c.id).toBe(!stored.has(c.id));
    }
    expect(published.categories.find((c) => c.id === 'asset-management-data')?.retention.atTermination).toBe(
      'archive',
    );
  });

  it('publishes the hosting requirement of Container Security and none for CIAM', () => {
    const [ciam, containerSecurity] = published.modules;
    expect(ciam?.hosting).toBeNull();
    expect(containerSecurity?.hosting?.required.map((h) => h.id)).toEqual([
      'cvm',
      'ecm',
      'lighthouse',
      'blackrock',
    ]);
    expect(containerSecurity?.availability.unavailableRegions).toEqual(['RU']);
  });

  it('publishes every operational record and the enforcement bounds', () => {
    expect(published.operationalRecords.map((r) => r.id)).toEqual(Object.keys(POLICY.operational));
    expect(published.enforcement.maxLatenessMinutes).toBe(POLICY.enforcement.maxLatenessMinutes);
    expect(published.enforcement.worstCaseLatenessMinutes.s3).toBeLessThanOrEqual(
      published.enforcement.maxLatenessMinutes,
    );
  });
});

describe('the record of processing activities', () => {
  const ropa = recordOfProcessing(published);

  it('has one activity per category, with purposes, legal basis, data, recipients and retention', () => {
    expect(ropa.activities.map((a) => a.category)).toEqual(listCategories().map((c) => c.id));
    for (const a of ropa.activities) {
      expect(a.purposes.length, a.category).toBeGreaterThan(0);
      expect(a.legalBasis.length, a.category).toBeGreaterThan(0);
      expect(a.storageAndRecipients.length, a.category).toBeGreaterThan(0);
      expect(a.retention.length, a.category).toBeGreaterThan(0);
    }
  });

  it('records the agreement as processing on the customer’s behalf, the privacy modules as controller', () => {
    const role = (id: string) => ropa.activities.find((a) => a.category === id)?.role;
    expect(role('personalization-data')).toMatch(/^processor/);
    expect(role('admin-action-log')).toMatch(/^controller/);
    expect(role('business-operation-data')).toMatch(/^controller/);
  });
});

describe('docs/policy.md', () => {
  it('is what `npm run policy -- docs` generates from the module now (never stale)', () => {
    expect(docs).toBe(policyMarkdown(published));
  });

  it('lays each module out in the source documents’ tables, and embeds the record of processing', () => {
    const modules = published.modules.length;
    expect(docs.match(/^\| Personal Information \| Use \| Legal Basis \|$/gm)).toHaveLength(modules);
    expect(docs.match(/^\| Personal Information \| Retention Policy \|$/gm)).toHaveLength(modules);
    const json = docs.slice(docs.indexOf('```json\n') + 8, docs.lastIndexOf('\n```'));
    expect(JSON.parse(json)).toEqual(recordOfProcessing(published));
  });
});
