import { describe, expect, it } from 'vitest';
import { ConfigError } from '#shared/config';
import { parseAdminAccount, parseCognitoPools, readSetting } from '../../../shared/sources/config.ts';

const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

describe('the Cognito user pool setting', () => {
  it('maps each user pool to its tenant', () => {
    const parsed = parseCognitoPools([
      { userPoolId: 'eu-central-1_AbC123', tenantId: TENANT },
      { userPoolId: 'us-east-1_Xyz789', tenantId: TENANT, clientIpMetadataKey: 'clientIp' },
    ]);
    expect(parsed.ok && [...parsed.value.keys()]).toEqual(['eu-central-1_AbC123', 'us-east-1_Xyz789']);
    expect(parsed.ok && parsed.value.get('us-east-1_Xyz789')?.clientIpMetadataKey).toBe('clientIp');
  });

  it('names every wrong setting with its pointer', () => {
    const parsed = parseCognitoPools([
      { userPoolId: 'not a pool', tenantId: 'acme' },
      { tenantId: TENANT, region: 'eu-central-1' },
    ]);
    expect(!parsed.ok && parsed.problems).toEqual([
      { pointer: '/0/userPoolId', detail: expect.stringContaining('must be a Cognito user pool id') },
      { pointer: '/0/tenantId', detail: 'tenantId must be a tenant id (a lower-case UUID)' },
      { pointer: '/1/userPoolId', detail: 'userPoolId is required' },
      { pointer: '/1/region', detail: expect.stringContaining('is not a setting of a user pool') },
    ]);
  });

  it('refuses a user pool listed twice', () => {
    const pool = { userPoolId: 'eu-central-1_AbC123', tenantId: TENANT };
    const parsed = parseCognitoPools([pool, pool]);
    expect(!parsed.ok && parsed.problems).toEqual([
      { pointer: '/1/userPoolId', detail: 'userPoolId appears twice' },
    ]);
  });

  it('refuses anything but an array', () => {
    expect(parseCognitoPools({ pools: [] })).toEqual({
      ok: false,
      problems: [{ pointer: '', detail: 'the payload must be an array of user pools' }],
    });
  });
});

describe('the admin account setting', () => {
  it('takes uin and region, and an optional apiVersion', () => {
    expect(parseAdminAccount({ uin: '100001', region: 'eu-frankfurt' })).toEqual({
      ok: true,
      value: { uin: '100001', region: 'eu-frankfurt' },
    });
  });

  it('names what is missing', () => {
    const parsed = parseAdminAccount({ uin: '' });
    expect(!parsed.ok && parsed.problems).toEqual([
      { pointer: '/uin', detail: 'uin must not be empty' },
      { pointer: '/region', detail: 'region is required' },
    ]);
  });
});

describe('reading a setting from its variable', () => {
  it('returns the parsed value', () => {
    const text = JSON.stringify([{ userPoolId: 'eu-central-1_AbC123', tenantId: TENANT }]);
    expect(readSetting(text, 'COGNITO_USER_POOLS', parseCognitoPools).size).toBe(1);
  });

  it('fails fast with a ConfigError naming the variable and each problem', () => {
    expect(() => readSetting('[{"tenantId":"x"}]', 'COGNITO_USER_POOLS', parseCognitoPools)).toThrow(
      new ConfigError(
        'COGNITO_USER_POOLS is not valid: /0/userPoolId: userPoolId is required; /0/tenantId: tenantId must be a tenant id (a lower-case UUID)',
      ),
    );
    expect(() => readSetting('{', 'KEYCLOAK_ADMIN_ACCOUNT', parseAdminAccount)).toThrow(
      'KEYCLOAK_ADMIN_ACCOUNT is not valid JSON',
    );
  });
});
