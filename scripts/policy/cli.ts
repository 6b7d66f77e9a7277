import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { POLICY } from '../../shared/policy/declarations.ts';
import { diffReport } from '../../shared/policy/diff.ts';
import { publishedPolicy } from '../../shared/policy/publish.ts';
import { recordOfProcessing } from '../../shared/policy/ropa.ts';
import { POLICY_VERSION } from '../../shared/policy/version.ts';
import { PolicyRefError, policyAt } from './at-ref.ts';
import { policyMarkdown } from './markdown.ts';
import { previewInWords, StageError, stagePreview } from './stage-preview.ts';

// `npm run policy -- <command>`: the policy module published (docs, record of processing, the
// document GET /v1/policy answers) and the preview of a change before a deploy.

const USAGE = `usage: npm run policy -- <command>
  docs [--check]   write docs/policy.md from shared/policy/ (--check: fail if it is stale)
  ropa             print the GDPR Art. 30 record of processing activities (JSON)
  json             print the published policy (what GET /v1/policy answers)
  diff <git-ref> [--stage <stage>]
                   preview what changes from the policy committed at <git-ref> to the working one;
                   with --stage (local: the cloud of npm start), also count on that stage what the
                   reconciliation would touch, without changing anything`;

const docsPath = resolve(import.meta.dirname, '../../docs/policy.md');
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

async function main(command: string | undefined, args: string[]): Promise<number> {
  switch (command) {
    case 'docs': {
      const markdown = policyMarkdown(publishedPolicy());
      if (!args.includes('--check')) {
        writeFileSync(docsPath, markdown);
        process.stdout.write(`wrote docs/policy.md (policy ${POLICY_VERSION})\n`);
        return 0;
      }
      const stale = readFileSync(docsPath, 'utf8') !== markdown;
      process.stdout.write(
        stale ? 'docs/policy.md is stale: run npm run policy -- docs\n' : 'docs/policy.md is current\n',
      );
      return stale ? 1 : 0;
    }
    case 'ropa':
      print(recordOfProcessing(publishedPolicy()));
      return 0;
    case 'json':
      print(publishedPolicy());
      return 0;
    case 'diff': {
      const [ref, flag, stage] = args;
      if (!ref || (flag !== undefined && (flag !== '--stage' || !stage)) || args.length > 3) break;
      const before = await policyAt(ref);
      process.stdout.write(
        diffReport(
          { label: ref, ...before },
          { label: 'working tree', version: POLICY_VERSION, declarations: POLICY },
        ),
      );
      if (stage) process.stdout.write(previewInWords(stage, await stagePreview(stage, before)));
      return 0;
    }
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof PolicyRefError || error instanceof StageError ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
