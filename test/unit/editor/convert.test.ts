import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Analyzer } from '../../../src/engine/analyze';
import {
  analysisFingerprint,
  diagnosticRecords,
  findingForDiagnostic,
  findingsAtOffset,
  NOTICE_CODE_PREFIX,
  VSCODE_SEVERITY,
} from '../../../src/editor/convert';

const LEGACY_TOKEN = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: reporter-token',
  '  annotations:',
  '    kubernetes.io/service-account.name: reporter',
  'type: kubernetes.io/service-account-token',
  '',
].join('\n');

function analyse(text: string, options: ConstructorParameters<typeof Analyzer>[0] = {}) {
  const analyzer = new Analyzer(options);
  const file = analyzer.update('secret.yaml', text);
  return { analysis: analyzer.analyze('secret.yaml'), lines: file.lines };
}

describe('diagnosticRecords', () => {
  it('maps a finding to rule code, severity and range', () => {
    const { analysis, lines } = analyse(LEGACY_TOKEN);
    const records = diagnosticRecords(analysis, (offset) => lines.positionAt(offset));
    const record = records.find((candidate) => candidate.code === 'service-accounts/legacy-token-secret');
    assert.ok(record, `no legacy-token-secret record in ${records.map((candidate) => candidate.code).join(', ')}`);
    assert.equal(record.ruleId, 'service-accounts/legacy-token-secret');
    assert.equal(record.severity, 'error');
    assert.equal(VSCODE_SEVERITY[record.severity], 0);
    assert.deepEqual(record.range.start, { line: 6, character: 6 });
    assert.deepEqual(record.range.end, { line: 6, character: 'type: kubernetes.io/service-account-token'.length });
  });

  it('follows severity overrides', () => {
    const { analysis, lines } = analyse(LEGACY_TOKEN, { severityOverrides: { 'service-accounts/legacy-token-secret': 'hint' } });
    const record = diagnosticRecords(analysis, (offset) => lines.positionAt(offset)).find((candidate) => candidate.ruleId === 'service-accounts/legacy-token-secret');
    assert.equal(record?.severity, 'hint');
    assert.equal(VSCODE_SEVERITY.hint, 3);
  });

  it('prefixes notice codes', () => {
    const { analysis, lines } = analyse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n');
    const records = diagnosticRecords(analysis, (offset) => lines.positionAt(offset));
    const notice = records.find((candidate) => candidate.code === `${NOTICE_CODE_PREFIX}parse-error`);
    assert.ok(notice, `no parse-error notice in ${records.map((candidate) => candidate.code).join(', ')}`);
    assert.equal(notice.ruleId, undefined);
  });

  it('reports a suppression without reason', () => {
    const text = LEGACY_TOKEN.replace('type:', '# trust-anchor-disable-next-line service-accounts/legacy-token-secret\ntype:');
    const { analysis, lines } = analyse(text);
    const codes = diagnosticRecords(analysis, (offset) => lines.positionAt(offset)).map((record) => record.code);
    assert.ok(codes.includes('trust-anchor/suppression-without-reason'), codes.join(', '));
    assert.ok(!codes.includes('service-accounts/legacy-token-secret'), codes.join(', '));
  });
});

describe('finding lookup', () => {
  it('finds the finding under an offset', () => {
    const { analysis } = analyse(LEGACY_TOKEN);
    const finding = analysis.findings.find((candidate) => candidate.ruleId === 'service-accounts/legacy-token-secret');
    assert.ok(finding);
    assert.ok(findingsAtOffset(analysis.findings, finding.range.start).includes(finding));
    assert.ok(!findingsAtOffset(analysis.findings, finding.range.end).includes(finding));
  });

  it('matches a diagnostic by rule and range', () => {
    const { analysis } = analyse(LEGACY_TOKEN);
    const finding = analysis.findings.find((candidate) => candidate.ruleId === 'service-accounts/legacy-token-secret');
    assert.ok(finding);
    assert.equal(findingForDiagnostic(analysis.findings, finding.ruleId, { ...finding.range }), finding);
    assert.equal(findingForDiagnostic(analysis.findings, 'other/rule', { ...finding.range }), undefined);
  });
});

describe('analysisFingerprint', () => {
  it('changes with severity', () => {
    const plain = analyse(LEGACY_TOKEN).analysis;
    const overridden = analyse(LEGACY_TOKEN, { severityOverrides: { 'service-accounts/legacy-token-secret': 'warning' } }).analysis;
    assert.notEqual(analysisFingerprint(plain), analysisFingerprint(overridden));
  });

  it('is stable for the same text', () => {
    assert.equal(analysisFingerprint(analyse(LEGACY_TOKEN).analysis), analysisFingerprint(analyse(LEGACY_TOKEN).analysis));
  });
});
