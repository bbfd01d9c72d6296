import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAssess } from '../../../src/cli/assess';
import { UsageError, type CliIo } from '../../../src/cli/io';

const PACKAGE_ROOT = resolve(__dirname, '../../../..');

interface AssessRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function assess(argv: string[], cwd: string): Promise<AssessRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: {},
  };
  const code = await runAssess(argv, io);
  return { code, stdout, stderr };
}

/** Runs assess expecting a UsageError and returns its message. */
async function usageError(argv: string[], cwd: string): Promise<string> {
  try {
    await assess(argv, cwd);
  } catch (error) {
    assert.ok(error instanceof UsageError, `expected UsageError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`assess ${argv.join(' ')} did not fail`);
}

describe('trust-anchor assess', () => {
  let root: string;
  before(() => {
    // The estates are copied so report paths are short and every written file stays in the temp folder.
    root = mkdtempSync(join(tmpdir(), 'trust-anchor-assess-'));
    cpSync(join(PACKAGE_ROOT, 'examples/cluster-bound'), join(root, 'cluster-bound'), { recursive: true });
    cpSync(join(PACKAGE_ROOT, 'examples/portable'), join(root, 'portable'), { recursive: true });
    writeFileSync(join(root, 'mesh.yaml'), 'answers:\n  context.environment: multi-cluster-mesh\n  events.drills:\n    option: drilled\n    note: Root rotation drill, outcome not compared.\n');
    writeFileSync(join(root, 'mesh.json'), JSON.stringify({ 'context.environment': 'isolated-development', 'recoverability.recreate': 'no' }));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes markdown by default', async () => {
    const run = await assess(['cluster-bound'], root);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^# Workload-identity trust anchor assessment/);
    assert.match(run.stdout, /\*\*Verdict: Cluster-bound\*\*/);
    assert.match(run.stdout, /`cluster-bound\/istio\/security-policies\.yaml:11`/);
  });

  it('applies a YAML answers file', async () => {
    const run = await assess(['cluster-bound', '--answers', 'mesh.yaml', '--format', 'json'], root);
    const result = JSON.parse(run.stdout);
    assert.equal(result.score.decision, 'decouple-now');
    const drills = result.answers.find((answer: { questionId: string }) => answer.questionId === 'events.drills');
    assert.equal(drills.option, 'drilled');
    assert.equal(drills.origin, 'person');
    assert.equal(drills.note, 'Root rotation drill, outcome not compared.');
  });

  it('applies a JSON answers file', async () => {
    const run = await assess(['cluster-bound', '--answers=mesh.json', '--format=json'], root);
    const result = JSON.parse(run.stdout);
    assert.equal(result.score.decision, 'make-recoverable');
    assert.equal(result.answers.find((answer: { questionId: string }) => answer.questionId === 'recoverability.recreate').option, 'no');
  });

  it('writes --output and reports the verdict', async () => {
    const run = await assess(['portable', '--format', 'json', '--output', 'report.json'], root);
    assert.equal(run.code, 0);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /verdict Portable; report written to report\.json/);
    const result = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8'));
    assert.equal(result.score.verdict, 'portable');
    assert.equal(result.schemaVersion, 1);
  });

  it('--fail-on-verdict cluster-bound', async () => {
    assert.equal((await assess(['cluster-bound', '--fail-on-verdict', 'cluster-bound'], root)).code, 1);
    assert.equal((await assess(['portable', '--fail-on-verdict', 'cluster-bound'], root)).code, 0);
    assert.equal((await assess(['cluster-bound', '--fail-on-verdict', 'none'], root)).code, 0);
  });

  it('--fail-on-verdict partially-cluster-bound', async () => {
    assert.equal((await assess(['cluster-bound', '--fail-on-verdict', 'partially-cluster-bound'], root)).code, 1);
    assert.equal((await assess(['portable', '--fail-on-verdict', 'partially-cluster-bound'], root)).code, 0);
  });

  it('rejects an unknown question id', async () => {
    writeFileSync(join(root, 'typo.yaml'), 'context.enviroment: regulated\n');
    const message = await usageError(['portable', '--answers', 'typo.yaml'], root);
    assert.match(message, /"typo\.yaml"/);
    assert.match(message, /unknown question id "context\.enviroment"/);
    assert.match(message, /valid ids: .*context\.environment/);
  });

  it('rejects an unknown option', async () => {
    writeFileSync(join(root, 'option.json'), JSON.stringify({ answers: { 'policy.mtls': { option: 'strict' } } }));
    const message = await usageError(['portable', '--answers', 'option.json'], root);
    assert.match(message, /"strict" is not an option of policy\.mtls/);
    assert.match(message, /choose one of: required, partial, not-required, unknown/);
  });

  it('rejects invalid YAML', async () => {
    writeFileSync(join(root, 'broken.yaml'), 'answers:\n  policy.mtls: [required\n');
    const message = await usageError(['portable', '--answers', 'broken.yaml'], root);
    assert.match(message, /--answers "broken\.yaml" is not valid JSON or YAML/);
  });

  it('rejects a missing answers file', async () => {
    const message = await usageError(['portable', '--answers', 'absent.yaml'], root);
    assert.match(message, /Cannot read --answers "absent\.yaml"/);
    assert.match(message, /ENOENT/);
  });

  it('rejects answers that are a list', async () => {
    writeFileSync(join(root, 'list.yaml'), 'answers:\n  - policy.mtls: required\n');
    const message = await usageError(['portable', '--answers', 'list.yaml'], root);
    assert.match(message, /"answers" must be a map from question id to option id/);
  });

  it('accepts an empty answers section', async () => {
    writeFileSync(join(root, 'empty.yaml'), 'answers:\n');
    const run = await assess(['portable', '--answers', 'empty.yaml', '--format', 'json'], root);
    assert.equal(JSON.parse(run.stdout).score.verdict, 'portable');
  });

  it('rejects bad flag values', async () => {
    assert.match(await usageError(['portable', '--format', 'sarif'], root), /--format "sarif" is not supported by assess; use markdown or json/);
    assert.match(await usageError(['portable', '--fail-on-verdict', 'bound'], root), /--fail-on-verdict "bound" is invalid; use cluster-bound, partially-cluster-bound or none/);
    assert.match(await usageError(['portable', '--answers'], root), /--answers needs a value/);
    assert.match(await usageError(['portable', '--output', join(root, 'no-such-folder', 'report.md')], root), /Cannot write --output .*Choose a writable file/);
    assert.equal(existsSync(join(root, 'no-such-folder')), false);
  });

  it('prints help', async () => {
    const run = await assess(['--help'], root);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: trust-anchor assess/);
  });
});
