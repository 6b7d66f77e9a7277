import type { RecordType } from '#policy/index';

// Every Auth0 log event type code (auth0.com/docs/deploy-monitor/logs/log-event-type-codes),
// mapped to a capture record type or deliberately ignored with the reason. docs/sources.md
// renders this table.

export type Auth0Rule =
  | { readonly record: RecordType }
  /** a Management API operation → admin.action */
  | { readonly admin: true }
  /** a passwordless code or link: SMS or e-mail according to the connection's strategy */
  | { readonly messageByStrategy: true }
  | { readonly ignore: string };

const TOKEN =
  'a token-endpoint exchange or revocation; only the interactive login (s / f / fp / fu) is counted as a login';
const SILENT = 'a silent re-authentication of an existing session, not a new login';
const CROSS_ORIGIN = 'a cross-origin authentication step; Auth0 logs the outcome of the login itself';
const PROFILE = 'a profile, credential or verification change: no capture record type covers it';
const LOGOUT = 'logouts are not in the user operation log of this product (login, registration, deletion)';
const MFA = 'a step of multi-factor authentication inside a login that is logged as s / f';
const LIMIT = 'a rate limit or attack-protection notice: no capture record type covers it';
const PLATFORM = 'a notice about the Auth0 tenant or platform, about no user or administrator';
const DEVICE = 'a step of the device authorization flow; tokens, not a user operation the policy logs';
const CONNECTOR = 'an AD/LDAP connector status, about no user';

const rules: Record<string, Auth0Rule> = {
  s: { record: 'user.login' },
  f: { record: 'user.login_failed' },
  fp: { record: 'user.login_failed' },
  fu: { record: 'user.login_failed' },
  ss: { record: 'user.registered' },
  fs: { record: 'user.registration_failed' },
  sdu: { record: 'user.deleted' },
  sapi: { admin: true },
  fapi: { admin: true },
  mgmt_api_read: { admin: true },
  gd_send_sms: { record: 'message.sms_sent' },
  gd_send_mail: { record: 'message.email_sent' },
  gd_send_email: { record: 'message.email_sent' },
  cs: { messageByStrategy: true },
  cls: { messageByStrategy: true },
  du: {
    ignore: 'the legacy "Deleted User" code; deletions are logged as sdu, and both would count one twice',
  },
  fdu: { ignore: 'the user deletion failed, so nothing was deleted' },
  fc: { ignore: 'a failure of the AD/LDAP connector, not of the user' },
  fco: { ignore: 'a request from an origin the application does not allow, not a login attempt of a user' },
  fens: { ignore: TOKEN },
  fn: { ignore: 'a notification e-mail that could not be sent' },
  w: { ignore: 'a warning during a login that is logged on its own as s / f' },
  ssa: { ignore: SILENT },
  fsa: { ignore: SILENT },
  scoa: { ignore: CROSS_ORIGIN },
  fcoa: { ignore: CROSS_ORIGIN },
  slo: { ignore: LOGOUT },
  flo: { ignore: LOGOUT },
  oidc_backchannel_logout_succeeded: { ignore: LOGOUT },
  oidc_backchannel_logout_failed: { ignore: LOGOUT },
  mfar: { ignore: MFA },
  pla: { ignore: 'a bot-detection risk assessment before a login, not a login' },
  si: { ignore: 'an accepted organization invitation: no capture record type covers it' },
  fi: { ignore: 'a failed organization invitation: no capture record type covers it' },
  sui: { ignore: 'a bulk import job; imported users are not registrations' },
  fui: { ignore: 'a failed bulk import job' },
  fcpro: { ignore: CONNECTOR },
  con: { ignore: CONNECTOR },
  coff: { ignore: CONNECTOR },
  fpar: { ignore: TOKEN },
  ciba_start_succeeded: { ignore: TOKEN },
  ciba_start_failed: { ignore: TOKEN },
  ciba_exchange_succeeded: { ignore: TOKEN },
  ciba_exchange_failed: { ignore: TOKEN },
  fdeac: { ignore: DEVICE },
  fdeaz: { ignore: DEVICE },
  fdecc: { ignore: DEVICE },
  pwd_leak: { ignore: LIMIT },
  signup_pwd_leak: { ignore: LIMIT },
  ublkdu: { ignore: LIMIT },
  api_limit: { ignore: LIMIT },
  api_limit_warning: { ignore: LIMIT },
  appi: { ignore: LIMIT },
  limit_wc: { ignore: LIMIT },
  limit_mu: { ignore: LIMIT },
  limit_ui: { ignore: LIMIT },
  limit_delegation: { ignore: LIMIT },
  limit_sul: { ignore: LIMIT },
  admin_update_launch: { ignore: PLATFORM },
  sys_os_update_start: { ignore: PLATFORM },
  sys_os_update_end: { ignore: PLATFORM },
  sys_update_start: { ignore: PLATFORM },
  sys_update_end: { ignore: PLATFORM },
  depnote: { ignore: PLATFORM },
  acls_summary: { ignore: PLATFORM },
  actions_execution_failed: { ignore: PLATFORM },
  acul_sdk_notice: { ignore: PLATFORM },
  custom_domain_verification_failed: { ignore: PLATFORM },
  resource_cleanup: { ignore: PLATFORM },
  flows_execution_completed: { ignore: PLATFORM },
  flows_execution_failed: { ignore: PLATFORM },
  forms_submission_succeeded: { ignore: PLATFORM },
  forms_submission_failed: { ignore: PLATFORM },
};

for (const code of [
  'sce',
  'fce',
  'scp',
  'fcp',
  'scph',
  'fcph',
  'scpn',
  'fcpn',
  'scpr',
  'fcpr',
  'scu',
  'fcu',
]) {
  rules[code] = { ignore: PROFILE };
}
for (const code of ['sv', 'fv', 'svr', 'fvr']) rules[code] = { ignore: PROFILE };
for (const code of [
  'seacft',
  'feacft',
  'seccft',
  'feccft',
  'sede',
  'fede',
  'sens',
  'seoobft',
  'feoobft',
  'seotpft',
  'feotpft',
  'sepft',
  'fepft',
  'sepotpft',
  'fepotpft',
  'sercft',
  'fercft',
  'sertft',
  'fertft',
  'ferrt',
  'srrt',
  'sd',
  'fd',
]) {
  rules[code] = { ignore: TOKEN };
}

for (const code of [
  'gd_auth_failed',
  'gd_auth_rejected',
  'gd_auth_succeed',
  'gd_enrollment_complete',
  'gd_module_switch',
  'gd_otp_rate_limit_exceed',
  'gd_recovery_failed',
  'gd_recovery_rate_limit_exceed',
  'gd_recovery_succeed',
  'gd_send_pn',
  'gd_send_pn_failure',
  'gd_start_auth',
  'gd_start_enroll',
  'gd_start_enroll_failed',
  'gd_tenant_update',
  'gd_unenroll',
  'gd_update_device_account',
  'gd_user_delete',
  'gd_webauthn_challenge_failed',
  'gd_webauthn_enrollment_failed',
]) {
  rules[code] = { ignore: MFA };
}
rules.gd_send_sms_failure = { ignore: 'an MFA text message that could not be sent' };
rules.gd_send_voice = { ignore: 'an MFA voice call: no capture record type covers calls' };
rules.gd_send_voice_failure = { ignore: 'an MFA voice call that failed' };

/** The rule of every known type code. */
export const AUTH0_LOG_TYPES: Readonly<Record<string, Auth0Rule>> = rules;

/** The rule for an Auth0 type code; a code this table does not know, or any other gd_* code, is ignored. */
export function auth0Rule(code: string): Auth0Rule {
  if (Object.hasOwn(AUTH0_LOG_TYPES, code)) return AUTH0_LOG_TYPES[code] as Auth0Rule;
  if (code.startsWith('gd_')) return { ignore: MFA };
  return { ignore: 'an Auth0 log type this mapping does not know; not collected' };
}
