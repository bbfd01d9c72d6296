import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { Analyzer } from '../../../src/engine/analyze';
import { expandSnippetDefaults, MIGRATION_SNIPPETS, SNIPPETS_BY_ID } from '../../../src/engine/fixes/snippets';
import { SYSTEMS } from '../../../src/engine/model';

/** What each snippet must be recognised as, so a typo in a top-level key fails here. */
const EXPECTED_SHAPES: Record<string, { kinds?: string[]; charts?: string[] }> = {
  'spire-external-root': { charts: ['spire'] },
  'istio-csr-external-issuer': { charts: ['istio-csr'] },
  'istio-plugin-ca-istio-csr': { kinds: ['AWSPCAClusterIssuer', 'IstioOperator', 'PeerAuthentication'] },
  'linkerd-external-trust-anchors': { kinds: ['Bundle', 'Certificate'] },
  'cert-manager-vault-chain': { kinds: ['ClusterIssuer', 'Certificate', 'ClusterIssuer'] },
  'eks-pod-identity': { kinds: ['ServiceAccount', 'PodIdentityAssociation'] },
  'istio-authz-principals': { kinds: ['AuthorizationPolicy'] },
};

describe('migration snippet catalogue', () => {
  it('has unique ids and complete fields', () => {
    assert.equal(SNIPPETS_BY_ID.size, MIGRATION_SNIPPETS.length);
    for (const snippet of MIGRATION_SNIPPETS) {
      assert.match(snippet.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, snippet.id);
      assert.ok(snippet.title.length > 0, `${snippet.id} title`);
      assert.ok(snippet.description.length > 0, `${snippet.id} description`);
      assert.ok((SYSTEMS as readonly string[]).includes(snippet.system), `${snippet.id} system ${snippet.system}`);
      assert.ok(snippet.sources.length > 0, `${snippet.id} sources`);
      assert.ok(snippet.body.includes('${1:'), `${snippet.id} has no first placeholder`);
    }
  });

  it('covers every requested migration', () => {
    assert.deepEqual(Object.keys(EXPECTED_SHAPES).sort(), MIGRATION_SNIPPETS.map((snippet) => snippet.id).sort());
  });

  it('mirrors only tab stops that have a default', () => {
    for (const snippet of MIGRATION_SNIPPETS) {
      const withDefault = new Set([...snippet.body.matchAll(/\$\{(\d+):/g)].map((match) => match[1]));
      for (const mirror of snippet.body.matchAll(/\$\{(\d+)\}/g)) {
        assert.ok(withDefault.has(mirror[1]), `${snippet.id}: \${${mirror[1]}} has no default anywhere`);
      }
    }
  });

  for (const snippet of MIGRATION_SNIPPETS) {
    describe(snippet.id, () => {
      const text = expandSnippetDefaults(snippet.body);

      it('leaves no placeholder after expansion', () => {
        assert.doesNotMatch(text, /\$\{?\d/);
      });

      it('parses as YAML without errors', () => {
        const documents = parseAllDocuments(text);
        assert.ok(Array.isArray(documents), 'parseAllDocuments returned an empty stream');
        for (const document of documents) assert.deepEqual(document.errors.map((error) => error.message), []);
      });

      it('is recognised as the intended objects or chart', () => {
        const analyzer = new Analyzer();
        const file = analyzer.update(`${snippet.id}.yaml`, text);
        const expected = EXPECTED_SHAPES[snippet.id];
        if (expected.kinds) assert.deepEqual(file.documents.map((document) => document.kind), expected.kinds);
        if (expected.charts) {
          const charts = file.documents.flatMap((document) => document.charts);
          for (const chart of expected.charts) assert.ok(charts.includes(chart as never), `${snippet.id} not recognised as chart ${chart}; got ${charts.join(', ')}`);
        }
      });

      it('raises no error-level finding or notice', () => {
        const analyzer = new Analyzer();
        analyzer.update(`${snippet.id}.yaml`, text);
        const analysis = analyzer.analyze(`${snippet.id}.yaml`);
        const errors = analysis.findings.filter((finding) => finding.severity === 'error');
        assert.deepEqual(errors.map((finding) => `${finding.ruleId}: ${finding.message}`), []);
        const problems = analysis.notices.filter((notice) => notice.severity === 'error' || notice.severity === 'warning');
        assert.deepEqual(problems.map((notice) => `${notice.code}: ${notice.message}`), []);
      });
    });
  }
});

describe('expandSnippetDefaults', () => {
  it('replaces placeholders with their defaults', () => {
    assert.equal(expandSnippetDefaults('name: ${1:web}\nport: ${2:8080}'), 'name: web\nport: 8080');
  });

  it('fills mirrors from the first default', () => {
    assert.equal(expandSnippetDefaults('a: ${1:x}\nb: ${1}\nc: $1'), 'a: x\nb: x\nc: x');
  });

  it('keeps colons inside defaults', () => {
    assert.equal(expandSnippetDefaults('arn: ${1:arn:aws:iam::1:role/r}'), 'arn: arn:aws:iam::1:role/r');
  });

  it('unescapes dollar and brace', () => {
    assert.equal(expandSnippetDefaults('cost: \\$5 ${1:a\\}b}'), 'cost: $5 a}b');
  });
});
