import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../../src/engine/model';
import { RULES_BY_ID } from '../../../src/engine/rules';
import { commandUri, escapeMarkdown, hoverMarkdown, SHOW_RULE_DOCUMENTATION_COMMAND } from '../../../src/editor/hover-text';
import { analyze } from '../helpers';

const SECRET = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: reporter_token\ntype: kubernetes.io/service-account-token\n';

describe('hoverMarkdown', () => {
  const finding = analyze(SECRET).findings.find((candidate) => candidate.ruleId === 'service-accounts/legacy-token-secret') as Finding;
  const rule = RULES_BY_ID.get('service-accounts/legacy-token-secret');

  it('shows title and rationale once', () => {
    assert.ok(finding, 'no legacy-token-secret finding');
    assert.ok(rule, 'rule missing from the registry');
    const markdown = hoverMarkdown([finding], (id) => RULES_BY_ID.get(id));
    assert.ok(markdown.includes(escapeMarkdown(rule.title)), markdown);
    assert.ok(markdown.includes(escapeMarkdown(rule.rationale)), markdown);
    assert.ok(!markdown.includes(escapeMarkdown(finding.message)), 'the diagnostic hover already shows the message');
  });

  it('links the rule page through the command', () => {
    const markdown = hoverMarkdown([finding], (id) => RULES_BY_ID.get(id));
    const link = /\((command:[^ )]+)/.exec(markdown)?.[1];
    assert.ok(link, markdown);
    assert.equal(link, commandUri(SHOW_RULE_DOCUMENTATION_COMMAND, [finding.ruleId]));
    const [command, query] = link.slice('command:'.length).split('?');
    assert.equal(command, SHOW_RULE_DOCUMENTATION_COMMAND);
    assert.deepEqual(JSON.parse(decodeURIComponent(query)), [finding.ruleId]);
  });

  it('falls back to the rule id for unknown rules', () => {
    const markdown = hoverMarkdown([{ ...finding, ruleId: 'test/unknown' }], () => undefined);
    assert.ok(markdown.startsWith('**test/unknown**'), markdown);
  });
});

describe('escapeMarkdown', () => {
  it('escapes emphasis and links', () => {
    assert.equal(escapeMarkdown('a_b *c* [d](e)'), 'a\\_b \\*c\\* \\[d\\]\\(e\\)');
  });
});
