import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oslsEnv } from '#local/template';

const root = resolve(import.meta.dirname, '../..');
let dir: string;
let templatePath: string;

/** Runs a linter the machine must have; a missing one fails the test and says how to install it. */
function lint(command: string, args: string[], install: string) {
  const run = spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', REDOCLY_TELEMETRY: 'off' },
  });
  if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    throw new Error(`${command} is not installed, and npm test runs it: ${install}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ciam-lint-'));
  const env = oslsEnv({ AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' });
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete env[name];
  execFileSync(
    process.execPath,
    ['node_modules/osls/bin/serverless.js', 'package', '--stage', 'ci', '--package', dir],
    { cwd: root, env, stdio: 'pipe' },
  );
  templatePath = join(dir, 'cloudformation-template-update-stack.json');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the linters of the artefacts', () => {
  it("finds nothing in the packaged CloudFormation template with AWS's cfn-lint", () => {
    const { status, output } = lint('cfn-lint', [templatePath], 'pip install cfn-lint');
    expect(output.trim()).toBe('');
    expect(status).toBe(0);
  });

  it('finds nothing in docs/openapi.yaml with redocly (recommended rules, warnings included)', () => {
    const redocly = join(root, 'node_modules/.bin/redocly');
    const { status, output } = lint(redocly, ['lint', 'docs/openapi.yaml', '--format=summary'], 'npm ci');
    expect(output).not.toMatch(/^(error|warning)\s/m);
    expect(status).toBe(0);
  });

  it('finds docs/openapi.yaml valid with openapi-spec-validator', () => {
    const { status, output } = lint(
      'openapi-spec-validator',
      ['docs/openapi.yaml'],
      'pip install openapi-spec-validator',
    );
    expect(output).toContain('OK');
    expect(status).toBe(0);
  });
});

describe('the catch-all route in the template', () => {
  const resources = () =>
    Object.entries(JSON.parse(readFileSync(templatePath, 'utf8')).Resources as Record<string, any>);

  it('knows exactly the routes API Gateway is given, and takes $default', () => {
    const routeKeys = resources()
      .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route')
      .map(([, r]) => r.Properties.RouteKey as string);
    expect(routeKeys).toContain('$default');
    const fn = Object.fromEntries(resources()).RouteNotFoundLambdaFunction;
    const table = String(fn.Properties.Environment.Variables.HTTP_ROUTES).split(', ');
    expect(table.sort()).toEqual(routeKeys.filter((key) => key !== '$default').sort());
  });

  it('runs under a role that may write its own logs and nothing else', () => {
    const role = resources().find(([id]) => id === 'RouteNotFoundIamRoleLambdaExecution')?.[1];
    const actions = role?.Properties.Policies.flatMap((p: any) =>
      p.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()),
    );
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions)
      expect(action).toMatch(/^logs:(CreateLogStream|CreateLogGroup|PutLogEvents)$/);
  });
});
