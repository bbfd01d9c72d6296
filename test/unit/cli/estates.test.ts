import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT, runCli } from './cli-harness';

interface JsonReport {
  findings: { ruleId: string; file: string; range: { startLine: number } }[];
}

async function findingKeys(args: string[]): Promise<Set<string>> {
  const run = await runCli(['scan', '--format', 'json', '--fail-on', 'none', ...args], PACKAGE_ROOT);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(run.stdout) as JsonReport;
  return new Set(report.findings.map((finding) => `${finding.file}:${finding.range.startLine} ${finding.ruleId}`));
}

describe('scan --estate-per-path', () => {
  it('matches scanning each estate on its own', async () => {
    const separate = new Set([...(await findingKeys(['examples/cluster-bound'])), ...(await findingKeys(['examples/portable']))]);
    const together = await findingKeys(['--estate-per-path', 'examples/cluster-bound', 'examples/portable']);
    assert.deepEqual([...together].sort(), [...separate].sort());
  });

  it('keeps estates from hiding each other', async () => {
    const mixed = await findingKeys(['examples/cluster-bound', 'examples/portable']);
    const separated = await findingKeys(['--estate-per-path', 'examples/cluster-bound', 'examples/portable']);
    const selfSignedIstio = [...separated].filter((key) => key.endsWith(' istio/self-signed-root'));
    assert.ok(selfSignedIstio.length > 0, 'the cluster-bound Istio install uses istiod\'s self-signed root');
    assert.ok(separated.size >= mixed.size, `${separated.size} < ${mixed.size}`);
  });
});
