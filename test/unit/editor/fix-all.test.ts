import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Analyzer } from '../../../src/engine/analyze';
import { applyEdits, replaceScalar } from '../../../src/engine/fixes/edits';
import type { Finding, Fix } from '../../../src/engine/model';
import type { Rule } from '../../../src/engine/rules/types';
import { computeFixAll, editsConflict, minimalEdit, selectSafeFixes } from '../../../src/editor/fix-all';

/**
 * A test rule on ConfigMaps: `data.mode: legacy` gets a safe fix to `modern`, and `data.mode:
 * modern` with `data.stage: old` gets a second safe fix, so fix-all needs two rounds.
 */
const modeRule: Rule = {
  id: 'test/mode',
  system: 'istio',
  dimension: 'identity-policy',
  severity: 'warning',
  title: 'Test mode',
  rationale: 'Test rule.',
  fixable: true,
  appliesTo: { kinds: ['ConfigMap'] },
  check(context) {
    const data = (context.value as { data?: Record<string, string> }).data ?? {};
    const text = context.file.text;
    if (data.mode === 'legacy') {
      const edit = replaceScalar(text, context.tree, ['data', 'mode'], 'modern');
      context.report({ path: ['data', 'mode'], part: 'value', message: 'legacy mode', fixes: edit ? [{ title: 'Use modern mode', edits: [edit], safe: true, isPreferred: true }] : [] });
    }
    if (data.mode === 'modern' && data.stage === 'old') {
      const edit = replaceScalar(text, context.tree, ['data', 'stage'], 'new');
      context.report({ path: ['data', 'stage'], part: 'value', message: 'old stage', fixes: edit ? [{ title: 'Use new stage', edits: [edit], safe: true }] : [] });
    }
    if (data.risky === 'yes') {
      const edit = replaceScalar(text, context.tree, ['data', 'risky'], 'no');
      context.report({ path: ['data', 'risky'], part: 'value', message: 'risky', fixes: edit ? [{ title: 'Not safe', edits: [edit], safe: false }] : [] });
    }
  },
};

function findingsOf(text: string): Finding[] {
  const analyzer = new Analyzer({ rules: [modeRule] });
  analyzer.update('config.yaml', text);
  return analyzer.analyze('config.yaml').findings;
}

function finding(start: number, end: number, fixes: Fix[]): Finding {
  return { ruleId: 'test/mode', system: 'istio', dimension: 'identity-policy', severity: 'warning', message: 'm', file: 'f', range: { start, end }, related: [], fixes };
}

describe('selectSafeFixes', () => {
  it('skips unsafe fixes', () => {
    const fixes = selectSafeFixes([finding(0, 1, [{ title: 'unsafe', edits: [{ range: { start: 0, end: 1 }, newText: 'x' }], safe: false }])]);
    assert.deepEqual(fixes, []);
  });

  it('prefers the preferred safe fix', () => {
    const first: Fix = { title: 'first', edits: [{ range: { start: 0, end: 1 }, newText: 'a' }], safe: true };
    const preferred: Fix = { title: 'preferred', edits: [{ range: { start: 0, end: 1 }, newText: 'b' }], safe: true, isPreferred: true };
    assert.deepEqual(selectSafeFixes([finding(0, 1, [first, preferred])]).map((fix) => fix.title), ['preferred']);
  });

  it('drops overlapping and duplicate fixes', () => {
    const a: Fix = { title: 'a', edits: [{ range: { start: 0, end: 5 }, newText: 'a' }], safe: true };
    const overlapping: Fix = { title: 'overlapping', edits: [{ range: { start: 3, end: 8 }, newText: 'b' }], safe: true };
    const duplicate: Fix = { title: 'duplicate', edits: [{ range: { start: 0, end: 5 }, newText: 'a' }], safe: true };
    const separate: Fix = { title: 'separate', edits: [{ range: { start: 10, end: 12 }, newText: 'c' }], safe: true };
    const chosen = selectSafeFixes([finding(0, 5, [a]), finding(3, 8, [overlapping]), finding(0, 5, [duplicate]), finding(10, 12, [separate])]);
    assert.deepEqual(chosen.map((fix) => fix.title), ['a', 'separate']);
  });
});

describe('editsConflict', () => {
  it('treats inserts at one offset as conflicting', () => {
    assert.equal(editsConflict({ range: { start: 4, end: 4 }, newText: 'a' }, { range: { start: 4, end: 4 }, newText: 'b' }), true);
  });

  it('allows adjacent edits', () => {
    assert.equal(editsConflict({ range: { start: 0, end: 4 }, newText: 'a' }, { range: { start: 4, end: 6 }, newText: 'b' }), false);
  });
});

describe('minimalEdit', () => {
  it('spans only the changed middle', () => {
    const before = 'apiVersion: v1\nmode: legacy\nend: 1\n';
    const after = 'apiVersion: v1\nmode: modern\nend: 1\n';
    const edit = minimalEdit(before, after);
    assert.ok(edit);
    assert.equal(applyEdits(before, [edit]), after);
    assert.ok(edit.range.start >= before.indexOf('mode'));
    assert.ok(edit.range.end <= before.indexOf('\nend'));
  });

  it('returns nothing for equal texts', () => {
    assert.equal(minimalEdit('same', 'same'), undefined);
  });
});

describe('computeFixAll', () => {
  const text = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: settings', 'data:', '  mode: legacy', '  stage: old', '  risky: yes', ''].join('\n');

  it('applies safe fixes over rounds', () => {
    const result = computeFixAll(text, findingsOf);
    assert.deepEqual(result.applied, ['Use modern mode', 'Use new stage']);
    assert.equal(applyEdits(text, result.edits), result.text);
    assert.match(result.text, /mode: modern/);
    assert.match(result.text, /stage: new/);
    assert.match(result.text, /risky: yes/);
  });

  it('leaves only unsafe findings behind', () => {
    const result = computeFixAll(text, findingsOf);
    assert.deepEqual(findingsOf(result.text).map((remaining) => remaining.message), ['risky']);
  });

  it('returns no edits when nothing is safe', () => {
    const clean = text.replace('mode: legacy', 'mode: modern').replace('stage: old', 'stage: new');
    const result = computeFixAll(clean, findingsOf);
    assert.deepEqual(result.edits, []);
    assert.equal(result.text, clean);
  });

  it('returns the fix edits after one round', () => {
    const oneRound = text.replace('  stage: old\n', '');
    const result = computeFixAll(oneRound, findingsOf);
    assert.equal(result.edits.length, 1);
    assert.equal(oneRound.slice(result.edits[0].range.start, result.edits[0].range.end), 'legacy');
  });
});
