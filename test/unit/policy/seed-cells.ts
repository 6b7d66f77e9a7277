// The seeds' table cells, copied from the source documents (000, 001: CIAM; 002: Container Security)
// as written, spelling included; 001's columns, which its text interleaves across page breaks, are
// read back into their cells. A test reads these, never the seeds themselves (a clone has none).

/** One category's row of a seed's tables; `legalBasis` is absent where the table has no such column. */
interface SeedCells {
  readonly personalInformation: string;
  readonly use: string;
  readonly legalBasis?: string;
  readonly retention: string;
}

export const SEED_CELLS: Readonly<Record<string, SeedCells>> = {
  'admin-action-log': {
    personalInformation:
      'Administrator Action Log: Region, API version, timestamp, App ID, UIN, SubAccount UIN, client IP, request source, CAM context (client IP address, q-token), Cloud Log Service (CLS) account area, request ID',
    use: 'We use this information to ensure the Feature functions as required, including for: security audits; and troubleshooting. Please note that this data is integrated with and stored in our Cloud Log Service (CLS) feature.',
    legalBasis:
      'We process this information as it is necessary for us to perform our contract with you to provide the Feature.',
    retention: 'Stored for 180 days.',
  },
  'api-invocation-log': {
    personalInformation: 'Tencent Cloud Account API Invoking Log: timestamp, request IP',
    use: 'We use this information to ensure the Feature functions as required, including for troubleshooting. Please note that this data is integrated with and stored in our Cloud Audit feature.',
    legalBasis:
      'We process this information as it is necessary for us to perform our contract with you to provide the Feature.',
    retention:
      'We retain such data for as long as you use the Feature. When your use of the Feature is terminated, we will delete this data.',
  },
  'statistical-data': {
    personalInformation:
      'Statistical Data: Console statistics (total number of users in the user directory, total number of applications, total number of logins in recent 7 days, total number of successful registrations in recent 7 days, total number of SMS usage, total number of mailbox usage, user growth trend (yesterday, 7 days, 30 days), user distribution map, recently logged in users, and recently registered successful users); statistics of resource usage (total monthly active user amount, usage status, maximum user limit and service opening time of this month)',
    use: 'We use this information to provide you with statistics on management and monthly consumption. Please note that this data is integrated with, stored and backed up in our TencentDB for MonogDB (MongoDB) feature.',
    legalBasis:
      'We process this information as it is necessary for us to perform our contract with you to provide the Feature.',
    retention:
      'We retain such data for as long as you use the Feature. When your use of the Feature is terminated, we will delete this data.',
  },
  'user-operation-log': {
    personalInformation: 'User Operation Log: Operation time, operation result, client IP',
    use: 'We use this information to facilitate you with managing the operation of the Feature. Please note that this data is integrated with, stored and backed up in our MonogDB feature.',
    legalBasis:
      'We process this information as it is necessary for us to perform our contract with you to provide the Feature.',
    retention:
      'We retain such data for as long as you use the Feature. When your use of the Feature is terminated, we will delete this data.',
  },
  'user-attributes': {
    personalInformation:
      'Built In User Attributes Data: wrong login times, locking time, Alipay user ID, email address, update time, user time zone, geographical location, latest login time, phone number, creation time, user group, user pool, user nickname, user ID, user name, WeChat open ID, whether you have logged in for the first time, user source, Wechatunion ID, user status, QQ open ID, QQunion ID, whether you have real name authentication, real name authentication method Name, ID number, whether or not the main account',
    use: 'We only process this data for the purposes of providing the Feature to you. Please note that this data is integrated with, stored and backed up in our MongoDB and feature, and is also integrated with our Redis feature. If you have purchased our SMS and SES services, phone number is also integrated with our SMS feature, and email address is integrated with our SES feature.',
    retention:
      'We retain such data until you manually delete such data. Otherwise, when you delete your account or terminate your use of the Feature, we will delete such data.',
  },
  'application-data': {
    personalInformation:
      'Application Management Data: M2M application: icon, application name, application type, industry, Client ID, password key, application description, access token validity, security domain, and specific configured URI of CORS; Mini-Program application: style application download, configuration guide, icon, application name, application type, industry, ClientID, password key, application description, redirect URI, logout redirect URI, access token validity, refresh token, claims, registration and login process configuration, URI of security domain CORS specific configuration; Mobile app: icon, application name, application type, industry, ClientID, password key, application description, redirect URI, logout redirect URI, access token validity, refresh token, claims, registration process, login process, MFA process, password forgetting process, user name forgetting process, protocol management, URI of specific configuration of security domain CORS; Web application and web application: icon, application name, application type, industry, ClientID, password key, application description, redirect URI, logout redirect URI, access token validity, refresh token, claims, registration process, login process, MFA process, password forgetting process, user name forgetting process, protocol management, URI of specific configuration of security domain CORS.',
    use: 'We only process this data for the purposes of providing the Feature to you. Please note that this data is integrated with, stored and backed up in our Cloud Object Storage (COS) and MongoDB features.',
    retention:
      'We retain such data until you manually delete such data. Otherwise, when you delete your account or terminate your use of the Feature, we will delete such data.',
  },
  'user-management-configuration-data': {
    personalInformation:
      'User Management Configuration Data: Preset user attributes determined by you (description, nationality, user position, birthday, gender and address); User group (user group list, name, remarks, creation time and included user list).',
    use: 'We only process this data for the purposes of providing the Feature to you. Please note that this data is integrated with, stored and backed up in our TencentBD for MongoDB (MongoDB) and feature, and is also integrated with our TencentDB for Redis (Redis) feature.',
    retention:
      'We retain such data until you manually delete such data. Otherwise, when you delete your account or terminate your use of the Feature, we will delete such data.',
  },
  'data-synchronization-settings-data': {
    personalInformation:
      'Data Synchronization Settings Data : Data source name, data source ID, description, configuration guide, ClientID, client password key, token, user URL, group URL.',
    use: 'We only process this data for the purposes of providing the Feature to you. Please note that this data is integrated with, stored and backed up in our MongoDB feature.',
    retention:
      'We retain such data until you manually delete such data. Otherwise, when you delete your account or terminate your use of the Feature, we will delete such data.',
  },
  'certification-management-data': {
    personalInformation:
      'Certification Management Data: General authentication source: authentication source icon, authentication source name, authentication source attribute, authentication source description, password policy, SMS verification code length, SMS verification code validity period, email verification code length, email verification code validity period; Social authentication source: authentication source icon, authentication source name, authentication source description, AppID, app password key, attribute mapping.',
    use: 'We only process this data for the purposes of providing the Feature to you. Please note that this data is integrated with, stored and backed up in our COS and MongoDB features. If you have purchased our Short Message Service (SMS) and Simple Email Service (SES) services, general authentication source data is also integrated with our SMS and SES features.',
    retention:
      'We retain such data until you manually delete such data. Otherwise, when you delete your account or terminate your use of the Feature, we will delete such data.',
  },
  'personalization-data': {
    personalInformation:
      'Personalization Data: Domain name setting: domain name set and provided by you (or if needed, standard domain name provided by us) ; Template setting (configuration settings regarding option to use SMS and/or SES features): SMS template (SMS server, SMS login signature, SMS template ID); Mailbox template (email server, verification code template ID, retrieve password template ID, retrieve user name template ID) ; Real name authentication template (real name authentication service provider, security credentials of API caller (secret ID, secret key)).',
    use: 'We only process this data for the purposes of providing the Feature to you. Please note that this data is integrated with, stored and backed up in our MongoDB feature. If you have purchased our SMS and SES services, template setting data is also integrated with our SMS and SES features.',
    retention:
      'We retain such data until you manually delete such data. Otherwise, when you delete your account or terminate your use of the Feature, we will delete such data.',
  },
  'asset-management-data': {
    personalInformation:
      'Asset Management Data: APPID, UIN, and basic server information under your account, including:',
    use: 'We use this information for the purposes of providing the Feature to you, including to locate and solve container-related problems. Please note that this data is stored and backed up in our TencentDB for MongoDB (MongoDB) and TencentDB for MySQL (MySQL) features, temporarily stored and backed up in our Cloud Object Storage (COS) feature, and integrated with the relevant Hosting Service you are subscribed to.',
    legalBasis:
      'We process this information as it is necessary for us to perform our contract with you to provide the Feature.',
    retention:
      'We retain such data for a minimum of 180 days. We retain such data until you terminate your use of the relevant Hosting Service(s), in which case we will temporarily retain this data in our COS feature and delete the same (i) 30 days thereafter or (ii) after the minimum number of days required to meet the 180-days minimum data retention threshold (as applicable).',
  },
  'container-security-data': {
    personalInformation: 'Container Security Data:',
    use: 'We use this information for the purposes of providing the Feature to you, including to locate and solve container-related problems. Please note that this data is stored and backed up in our MongoDB and MySQL features, temporarily stored and backed up in our COS feature, and integrated with the relevant Hosting Service you are subscribed to.',
    legalBasis:
      'We process this information as it is necessary for us to perform our contract with you to provide the Feature.',
    retention:
      'We retain such data for a minimum of 180 days. We retain such data until you terminate your use of the relevant Hosting Service(s), in which case we will temporarily retain this data in our COS feature and delete the same (i) 30 days thereafter or (ii) after the minimum number of days required to meet the 180-days minimum data retention threshold (as applicable).',
  },
  'business-operation-data': {
    personalInformation:
      'Business Operation Data: security reports of customer servers (total number of risks of container escape, asset management, image risk, cluster security, baseline management, virus scanning, malicious outgoing requests, abnormal process, abnormal K8s API request, reverse shell, file check, abnormal process, file tampering, high-risk system calls; the amount of resources needed to run the container (Container Security Pro), the number of image licenses, and the amount of log analysis storage you have purchased)',
    use: 'We use this information for the purpose of providing the Feature to you, including providing you a security report of the Feature. Please note that this data is stored and backed up in our MongoDB and MySQL features, temporarily stored and backed up in our COS feature, and integrated with the relevant Hosting Service you are subscribed to.',
    legalBasis:
      'We process this information as it is necessary for us to perform our contract with you to provide the Feature.',
    retention:
      'We retain such data for a minimum of 180 days. We retain such data until you terminate your use of the relevant Hosting Service(s), in which case we will temporarily retain this data in our COS feature and delete the same (i) 30 days thereafter or (ii) after the minimum number of days required to meet the 180-days minimum data retention threshold (as applicable).',
  },
  'product-configuration-data': {
    personalInformation: 'Product Configuration Data:',
    use: 'We use this information for the purposes of providing the Feature to you, and ensuring the Feature functions as required. Please note that this data is stored and backed up in our MongoDB and MySQL features, and integrated with the relevant Hosting Service you are subscribed to.',
    legalBasis:
      'We process this information as it is necessary for us to perform our contract with you to provide the Feature.',
    retention: 'We retain such data for 180 days.',
  },
  'version-management-data': {
    personalInformation:
      'Version Management Data (the current released versions of the installation package, based on the version selected by you when purchasing the Feature)',
    use: 'We use this information for the purpose of ensuring the Feature functions as required. Please note that this data is stored and backed up in our MongoDB and MySQL features, and integrated with the relevant Hosting Service you are subscribed to.',
    legalBasis:
      'We process this information as it is necessary for us to perform our contract with you to provide the Feature.',
    retention: 'We retain such data for 180 days.',
  },
};
