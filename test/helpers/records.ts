/** Valid capture records of every type, for tests; `overrides` replace or add fields. */
export function validRecord(
  type: string,
  overrides: Record<string, unknown> = {},
  now = new Date(),
): Record<string, unknown> {
  const base = {
    id: `${type}-${Math.random().toString(36).slice(2, 10)}`,
    type,
    occurredAt: now.toISOString(),
  };
  const user = { userId: 'user-1', clientIp: '198.51.100.7', country: 'DE' };
  const byType: Record<string, Record<string, unknown>> = {
    'user.login': user,
    'user.login_failed': user,
    'user.registered': user,
    'user.registration_failed': user,
    'user.deleted': { userId: 'user-1' },
    'message.sms_sent': { userId: 'user-1' },
    'message.email_sent': { userId: 'user-1' },
    'admin.action': {
      region: 'eu-frankfurt',
      apiVersion: '2026-01-01',
      appId: 'app-1',
      uin: '100000001',
      subAccountUin: '100000002',
      clientIp: '2001:db8::1',
      requestSource: 'console',
      camContext: { clientIp: '2001:db8::1', qToken: 'q-token-secret-value' },
      logRegion: 'eu-frankfurt',
      requestId: 'req-1',
    },
    'api.invocation': { requestIp: '192.0.2.44' },
    'app.created': { appId: 'app-1', appType: 'web' },
    'app.deleted': { appId: 'app-1' },
    'security.asset': {
      appId: 'app-1',
      uin: '100000001',
      serverId: 'srv-1',
      serverIp: '10.0.0.5',
      os: 'linux',
    },
    'security.container_event': { containerId: 'c-1', eventType: 'reverse-shell', severity: 'high' },
    'security.business_report': { reportType: 'virus-scan', count: 3 },
    'security.product_config': { configKey: 'baseline.level', configValue: 'strict' },
    'security.version': { component: 'agent', version: '1.2.3' },
  };
  return { ...base, ...(byType[type] ?? {}), ...overrides };
}
