import { execFile } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type BuildOptions, build } from 'esbuild';
import { DynamoTenantStore } from '#store/tenants';
import { createTenant } from '../../functions/tenantsApi/tenants.ts';
import { type BenchCloud, benchDb, functionEnv } from './cloud.ts';
import { atMost, summarise } from './measure.ts';
import type { Figure, Sizes } from './sizes.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
// Inside the project, so that external packages resolve from its node_modules as they do from the
// Lambda runtime's own.
const out = join(root, '.esbuild/bench');
const KIB = 1024;

/** The clients a bundle that needs only the SDK would construct, per package. */
const SDK_CLIENTS: Record<string, string> = {
  '@aws-sdk/client-dynamodb':
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb'; const dynamodb = new DynamoDBClient({});",
  '@aws-sdk/lib-dynamodb':
    "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'; export const doc = DynamoDBDocumentClient.from(dynamodb);",
  '@aws-sdk/client-s3': "import { S3Client } from '@aws-sdk/client-s3'; export const s3 = new S3Client({});",
  '@aws-sdk/client-sqs':
    "import { SQSClient } from '@aws-sdk/client-sqs'; export const sqs = new SQSClient({});",
  '@aws-sdk/client-ssm':
    "import { SSMClient } from '@aws-sdk/client-ssm'; export const ssm = new SSMClient({});",
};

/** esbuild options exactly as serverless.yml gives them to serverless-esbuild. */
function templateOptions(bench: BenchCloud): { options: BuildOptions; exclude: string[] } {
  const {
    exclude = [],
    plugins,
    outputFileExtension: _ext,
    ...options
  } = bench.service.custom.esbuild as Record<string, unknown> & { exclude?: string[]; plugins?: string };
  const loaded = plugins ? createRequire(import.meta.url)(resolve(root, plugins)) : [];
  return {
    options: { ...(options as BuildOptions), plugins: loaded, metafile: true, logLevel: 'silent' },
    exclude,
  };
}

/** Builds one entry; its size, and the SDK packages it leaves to the runtime. */
async function bundle(entry: string, file: string, options: BuildOptions, external: string[]) {
  const result = await build({ ...options, entryPoints: [entry], outfile: file, external, write: true });
  const output =
    result.metafile?.outputs[file.slice(root.length + 1)] ?? Object.values(result.metafile?.outputs ?? {})[0];
  // The SDK packages it uses, whether left external or bundled in.
  const paths = [
    ...(output?.imports ?? []).filter((i) => i.external).map((i) => i.path),
    ...Object.keys(result.metafile?.inputs ?? {}).map((p) => p.replace(/^.*node_modules\//, '')),
  ];
  const sdk = new Set(
    paths
      .filter((p) => /^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)(\/|$)/.test(p))
      .map((p) => p.split('/').slice(0, 2).join('/'))
      .filter((p) => p in SDK_CLIENTS),
  );
  return { bytes: (await stat(file)).size, sdk: [...sdk].sort() };
}

/** Milliseconds to import a bundle in a fresh Node process, and its resident memory afterwards. */
async function importOnce(file: string, env: Record<string, string>) {
  const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); const ms = performance.now() - t; console.log(JSON.stringify({ ms, rss: process.memoryUsage().rss }));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...env },
    cwd: root,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string) as { ms: number; rss: number };
}

/**
 * Bundle size of every function as deployed (serverless.yml's esbuild options), and also with the
 * SDK bundled in; cold init of each bundle against a bundle that only constructs the SDK clients the
 * function uses; peak RSS of the capture handler's bundle under 16 concurrent capture requests.
 */
export async function bundleFigures(bench: BenchCloud, sizes: Sizes): Promise<Figure[]> {
  const { options, exclude } = templateOptions(bench);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const cloud = await bench.copy();
  const env = functionEnv(cloud);
  const figures: Figure[] = [];
  const functions = Object.entries(bench.service.functions);
  for (const [name, fn] of functions) {
    const entry = resolve(root, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`);
    // The function's own environment as serverless.yml resolves it, pointed at this run's copy.
    const own = Object.entries((fn as { environment?: Record<string, unknown> }).environment ?? {}).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    );
    const fnEnv = { ...Object.fromEntries(own), ...env };
    const deployed = await bundle(entry, join(out, `${name}.mjs`), options, exclude);
    // The two ways to ship the SDK, whatever serverless.yml deploys: in the bundle, or left to the runtime.
    const bundled = await bundle(entry, join(out, `${name}.sdk-bundled.mjs`), options, []);
    const runtime = await bundle(entry, join(out, `${name}.sdk-runtime.mjs`), options, ['@aws-sdk/*']);
    const baselineEntry = join(out, `${name}.sdk-only.ts`);
    const clients = runtime.sdk.map((p) => SDK_CLIENTS[p] as string);
    await writeFile(baselineEntry, `${clients.join('\n')}\nexport const ready = true;\n`);
    const baseline = await bundle(baselineEntry, join(out, `${name}.sdk-only.mjs`), options, exclude);
    const ms = {
      fn: [] as number[],
      base: [] as number[],
      ratio: [] as number[],
      rss: [] as number[],
      bundled: [] as number[],
      choice: [] as number[],
    };
    for (let i = 0; i < sizes.coldInitRuns; i++) {
      const f = await importOnce(join(out, `${name}.mjs`), fnEnv);
      const b = await importOnce(join(out, `${name}.sdk-only.mjs`), fnEnv);
      const s = await importOnce(join(out, `${name}.sdk-bundled.mjs`), fnEnv);
      const r = await importOnce(join(out, `${name}.sdk-runtime.mjs`), fnEnv);
      ms.fn.push(f.ms);
      ms.bundled.push(s.ms);
      ms.choice.push(s.ms / r.ms);
      ms.base.push(b.ms);
      ms.ratio.push(f.ms / b.ms);
      ms.rss.push(f.rss / KIB / KIB);
    }
    // Lambda allows 250 MB unzipped: a goal well under it.
    const limit = 5 * KIB;
    figures.push(
      {
        figure: `bundle ${name}`,
        unit: 'KiB',
        value: summarise([deployed.bytes / KIB]),
        goal: atMost(limit),
        note: `as deployed (left out of the bundle: ${exclude.join(', ') || 'nothing, the SDK is bundled'}); SDK packages used: ${runtime.sdk.join(', ') || 'none'}`,
      },
      {
        figure: `bundle ${name}, SDK left to the runtime`,
        unit: 'KiB',
        value: summarise([runtime.bytes / KIB]),
      },
      {
        figure: `cold init ${name} / SDK clients only`,
        unit: '×',
        value: summarise(ms.ratio),
        ...(runtime.sdk.length ? { goal: atMost(1.2) } : {}),
        note: `${runtime.sdk.length ? '' : 'no SDK client: the baseline is an empty module, so no goal; '}import of the bundle ${summarise(ms.fn).median.toFixed(0)} ms vs ${summarise(ms.base).median.toFixed(0)} ms for a ${Math.round(baseline.bytes / KIB)} KiB bundle constructing only ${runtime.sdk.join(', ') || 'no SDK client'} (median of ${sizes.coldInitRuns} fresh processes each)`,
      },
      { figure: `cold init ${name}`, unit: 'ms', value: summarise(ms.fn) },
      {
        figure: `cold init ${name}: SDK bundled / SDK from node_modules`,
        unit: '×',
        value: summarise(ms.choice),
        note: `import of the minified bundle with the SDK in it (${Math.round(bundled.bytes / KIB)} KiB) against the same code resolving the SDK from node_modules as the runtime's copy would be resolved (${Math.round(runtime.bytes / KIB)} KiB), in the same fresh processes; below 1: bundling is faster`,
      },
      { figure: `RSS after import ${name}`, unit: 'MiB', value: summarise(ms.rss) },
    );
  }
  figures.push(await captureMemory(cloud, env, sizes));
  return figures;
}

/** Peak RSS of a fresh process running the deployed capture bundle under 16 concurrent requests. */
async function captureMemory(
  cloud: Awaited<ReturnType<BenchCloud['copy']>>,
  env: Record<string, string>,
  sizes: Sizes,
): Promise<Figure> {
  const { db } = benchDb(cloud.endpoints.dynamodbEndpoint);
  const tenant = await createTenant(
    { name: 'Bench', modules: ['ciam'], maxUsers: 1_000_000, region: 'DE' },
    new DynamoTenantStore(db, cloud.tables.TenantsTable as string),
    new Date(),
  );
  const script = `
    const { handler } = await import(${JSON.stringify(`file://${join(out, 'captureEvents.mjs')}`)});
    const before = process.memoryUsage().rss;
    let next = 0;
    const context = { functionName: 'captureEvents', awsRequestId: 'r', getRemainingTimeInMillis: () => 10000 };
    const types = ['user.login', 'user.registered', 'user.login_failed'];
    const worker = async () => {
      for (let i = next++; i < ${sizes.memoryRequests}; i = next++) {
        const body = JSON.stringify({ events: Array.from({ length: 10 }, (_, j) => ({ id: 'm-' + process.pid + '-' + i + '-' + j, type: types[j % 3], occurredAt: new Date().toISOString(), userId: 'u-' + ((i * 10 + j) % 5000), clientIp: '203.0.113.7', country: 'DE' })) });
        const r = await handler({ version: '2.0', routeKey: 'POST /v1/events', rawPath: '/v1/events', rawQueryString: '', headers: { authorization: 'Bearer ${tenant.apiKey}', 'content-type': 'application/json' }, requestContext: { requestId: 'r' + i, http: { method: 'POST', path: '/v1/events', sourceIp: '127.0.0.1' } }, body, isBase64Encoded: false }, context);
        if (r.statusCode !== 202) throw new Error('capture answered ' + r.statusCode + ' ' + r.body);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    console.log(JSON.stringify({ before, peak: process.resourceUsage().maxRSS * 1024 }));`;
  const reps: number[] = [];
  let before = 0;
  for (let rep = 0; rep < Math.min(3, sizes.reps); rep++) {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ...env },
      cwd: root,
      maxBuffer: 1 << 24,
    });
    const m = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { before: number; peak: number };
    reps.push(m.peak / KIB / KIB);
    before = m.before / KIB / KIB;
  }
  return {
    figure: 'memory: captureEvents peak RSS under load',
    unit: 'MiB',
    value: summarise(reps),
    note: `${sizes.memoryRequests} requests of 10 records, 16 concurrent, in a fresh process on the deployed bundle (${before.toFixed(0)} MiB after import); the function has 512 MB`,
  };
}
