import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import { ConfigError, optionalEnv } from './config.ts';

/**
 * A secret that comes from `<NAME>` (local cloud and tests) or, in AWS, from the SecureString SSM
 * parameter named by `<NAME>_PARAMETER`, decrypted and cached for five minutes.
 */
export function secretFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): () => Promise<string> {
  const direct = optionalEnv(name, env);
  if (direct) return async () => direct;
  const parameter = optionalEnv(`${name}_PARAMETER`, env);
  if (!parameter) throw new ConfigError(`Neither ${name} nor ${name}_PARAMETER is set`);
  return async () => {
    const value = await getParameter(parameter, { decrypt: true, maxAge: 300 });
    if (!value) throw new ConfigError(`SSM parameter ${parameter} is empty`);
    return value;
  };
}
