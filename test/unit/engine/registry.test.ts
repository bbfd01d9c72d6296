import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DIMENSIONS, SEVERITIES, SYSTEMS } from '../../../src/engine/model';
import { ALL_RULES, KNOWN_RULES, LIVE_RULES, ruleDocsPath } from '../../../src/engine/rules';

const ROOT = join(__dirname, '../../../..');
const REQUIRED_HEADINGS = [
  '## What it detects',
  '## Why it binds the trust anchor to one cluster',
  '## How to migrate',
  '## Framework references',
  '## Primary source',
];

describe('rule registry', () => {
  it('has at least 35 rules across all six systems', () => {
    assert.ok(ALL_RULES.length >= 35, `only ${ALL_RULES.length} rules`);
    for (const system of SYSTEMS) {
      assert.ok(ALL_RULES.some((rule) => rule.system === system), `no rule for ${system}`);
    }
  });

  it('has at least 15 rules with fixes', () => {
    const fixable = ALL_RULES.filter((rule) => rule.fixable).length;
    assert.ok(fixable >= 15, `only ${fixable} fixable rules`);
  });

  it('uses unique kebab-case ids prefixed by the system', () => {
    const seen = new Set<string>();
    for (const rule of KNOWN_RULES) {
      assert.match(rule.id, /^[a-z0-9-]+\/[a-z0-9]+(-[a-z0-9]+)*$/, rule.id);
      assert.ok(rule.id.startsWith(`${rule.system}/`), `${rule.id} does not start with ${rule.system}/`);
      assert.ok(!seen.has(rule.id), `duplicate id ${rule.id}`);
      seen.add(rule.id);
    }
  });

  it('gives every rule a known dimension, severity and target', () => {
    for (const rule of ALL_RULES) {
      assert.ok((DIMENSIONS as readonly string[]).includes(rule.dimension), `${rule.id}: dimension ${rule.dimension}`);
      assert.ok((SEVERITIES as readonly string[]).includes(rule.severity), `${rule.id}: severity ${rule.severity}`);
      const { kinds = [], charts = [], embedded = [] } = rule.appliesTo;
      assert.ok(kinds.length + charts.length + embedded.length > 0, `${rule.id} applies to nothing`);
      assert.ok(rule.title.length > 0 && rule.rationale.length > 0, `${rule.id}: title or rationale missing`);
    }
  });

  it('keeps live-evidence checks out of manifest dispatch', () => {
    for (const rule of LIVE_RULES) {
      assert.equal(rule.system, 'cluster', rule.id);
      assert.ok(!ALL_RULES.some((candidate) => candidate.id === rule.id), `${rule.id} is also a manifest rule`);
    }
  });

  it('has a documentation page with the required sections for every rule', () => {
    for (const rule of KNOWN_RULES) {
      const page = join(ROOT, ruleDocsPath(rule.id));
      assert.ok(existsSync(page), `missing ${ruleDocsPath(rule.id)}`);
      const text = readFileSync(page, 'utf8');
      assert.ok(text.startsWith(`# ${rule.id}`), `${ruleDocsPath(rule.id)} must start with "# ${rule.id}"`);
      for (const heading of REQUIRED_HEADINGS) {
        assert.ok(text.includes(heading), `${ruleDocsPath(rule.id)} lacks "${heading}"`);
      }
      for (const framework of ['NIST SP 800-207', 'OWASP', 'MAESTRO']) {
        assert.ok(text.includes(framework), `${ruleDocsPath(rule.id)} does not cite ${framework}`);
      }
    }
  });
});

describe('rule index page', () => {
  it('lists every rule with its severity', () => {
    const index = readFileSync(join(ROOT, 'docs/rules/README.md'), 'utf8');
    for (const rule of KNOWN_RULES) {
      const row = index.split('\n').find((line) => line.startsWith(`| [${rule.id}](`));
      assert.ok(row, `docs/rules/README.md lacks ${rule.id}; run "npm run compile && node scripts/rule-table.mjs"`);
      assert.ok(row.includes(`| ${rule.severity} |`), `docs/rules/README.md has a stale severity for ${rule.id}`);
    }
  });
});
