import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** A CloudFormation resource as `osls print` resolves it (intrinsic functions stay as objects). */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/** The parts of the resolved serverless.yml the local cloud needs. */
export interface ResolvedService {
  service: string;
  stage: string;
  region: string;
  resources: Record<string, CfnResource>;
  functions: Record<string, ResolvedFunction>;
  custom: Record<string, unknown>;
}

export interface ResolvedFunction {
  handler: string;
  timeout?: number;
  environment?: Record<string, unknown>;
  events?: Array<Record<string, unknown>>;
}

const run = promisify(execFile);
const projectRoot = resolve(import.meta.dirname, '../..');

/** Environment for osls: offline, no telemetry, no prompts, no credentials needed. */
export function oslsEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_INTERACTIVE_SETUP_DISABLE: '1',
    ...extra,
  };
}

/**
 * Resolves serverless.yml through the framework itself (`osls print`), so the local cloud is built
 * from exactly what AWS would get. The result is cached under .local-cloud/ keyed by the content
 * of serverless.yml and everything it pulls in (the policy module), because `osls print` takes seconds.
 */
export async function resolveService(stage = 'local'): Promise<ResolvedService> {
  const key = await inputsDigest(stage);
  const cacheFile = join(projectRoot, '.local-cloud', `service-${key}.json`);
  const cached = await readFile(cacheFile, 'utf8').catch(() => undefined);
  if (cached) return JSON.parse(cached) as ResolvedService;

  const { stdout } = await run(
    process.execPath,
    [join(projectRoot, 'node_modules/osls/bin/serverless.js'), 'print', '--format', 'json', '--stage', stage],
    { cwd: projectRoot, env: oslsEnv(), maxBuffer: 16 * 1024 * 1024 },
  );
  const printed = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
    service: string | { name: string };
    provider: { stage: string; region: string };
    functions?: Record<string, ResolvedFunction>;
    custom?: Record<string, unknown>;
    resources?: { Resources?: Record<string, CfnResource> };
  };
  const resolved: ResolvedService = {
    service: typeof printed.service === 'string' ? printed.service : printed.service.name,
    stage: printed.provider.stage,
    region: printed.provider.region,
    resources: printed.resources?.Resources ?? {},
    functions: printed.functions ?? {},
    custom: printed.custom ?? {},
  };
  await mkdir(join(projectRoot, '.local-cloud'), { recursive: true });
  await writeFile(cacheFile, JSON.stringify(resolved));
  return resolved;
}

async function inputsDigest(stage: string): Promise<string> {
  const hash = createHash('sha256').update(stage);
  const files = [
    'serverless.yml',
    'scripts/infra/policy-vars.cjs',
    'scripts/infra/policy-vars.ts',
    'scripts/infra/http-routes.cjs',
    'functions/routeNotFound/routes.ts',
    ...(await listFiles('shared/policy')),
  ];
  for (const file of files) {
    const path = join(projectRoot, file);
    const info = await stat(path).catch(() => undefined);
    if (info) hash.update(file).update(await readFile(path));
  }
  return hash.digest('hex').slice(0, 16);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(projectRoot, dir), { recursive: true }).catch(() => [] as string[]);
  return entries.map((entry) => join(dir, entry)).sort();
}
