import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExcludeGlobs, parseNumberSetting, parseRuleSeverities, readEditorSettings } from '../../../src/editor/settings';

const KNOWN = new Set(['spire/a', 'istio/b']);

describe('parseRuleSeverities', () => {
  it('keeps valid levels', () => {
    const { rules, problems } = parseRuleSeverities({ 'spire/a': 'hint', 'istio/b': 'off' }, KNOWN);
    assert.deepEqual(rules, { 'spire/a': 'hint', 'istio/b': 'off' });
    assert.deepEqual(problems, []);
  });

  it('reports unknown rule ids', () => {
    const { rules, problems } = parseRuleSeverities({ 'spire/typo': 'warning', 'spire/a': 'error' }, KNOWN);
    assert.deepEqual(rules, { 'spire/a': 'error' });
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /spire\/typo/);
  });

  it('reports invalid levels', () => {
    const { rules, problems } = parseRuleSeverities({ 'spire/a': 'critical', 'istio/b': 3 }, KNOWN);
    assert.deepEqual(rules, {});
    assert.equal(problems.length, 2);
    assert.match(problems[0].message, /"critical"/);
  });

  it('rejects a non-object', () => {
    const { rules, problems } = parseRuleSeverities(['spire/a'], KNOWN);
    assert.deepEqual(rules, {});
    assert.equal(problems.length, 1);
  });
});

describe('parseNumberSetting', () => {
  it('accepts values in range', () => {
    assert.deepEqual(parseNumberSetting('x', 7, 5, 1, 10, 'units'), { value: 7 });
  });

  it('falls back out of range', () => {
    const result = parseNumberSetting('trustAnchor.analysisDelay', -1, 300, 0, 10_000, 'milliseconds');
    assert.equal(result.value, 300);
    assert.match(result.problem?.message ?? '', /trustAnchor\.analysisDelay is -1/);
  });
});

describe('parseExcludeGlobs', () => {
  it('keeps strings and reports others', () => {
    const { globs, problems } = parseExcludeGlobs(['**/charts/**', 4, '']);
    assert.deepEqual(globs, ['**/charts/**']);
    assert.equal(problems.length, 2);
  });
});

describe('readEditorSettings', () => {
  it('converts megabytes to bytes', () => {
    const values: Record<string, unknown> = { rules: { 'spire/a': 'warning' }, maxFileSize: 2, analysisDelay: 50, workspaceScan: false };
    const { settings, problems } = readEditorSettings((key) => values[key], KNOWN);
    assert.deepEqual(problems, []);
    assert.equal(settings.maxFileSizeBytes, 2 * 1024 * 1024);
    assert.equal(settings.analysisDelayMs, 50);
    assert.equal(settings.workspaceScan, false);
    assert.deepEqual(settings.rules, { 'spire/a': 'warning' });
  });

  it('uses defaults for missing values', () => {
    const { settings } = readEditorSettings(() => undefined, KNOWN);
    assert.equal(settings.maxFileSizeBytes, 5 * 1024 * 1024);
    assert.equal(settings.analysisDelayMs, 300);
    assert.equal(settings.workspaceScan, true);
  });
});
