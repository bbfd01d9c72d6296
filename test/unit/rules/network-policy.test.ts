import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { FileAnalysis } from '../../../src/engine/model';
import { isPrivateCidr } from '../../../src/engine/rules/network-policy/cidr';
import { analyze, analyzeFolder, CORPUS_SKIP, corpusFile, findingsOf, underlined } from '../helpers';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';

describe('private CIDR detection', () => {
  it('accepts private IPv4 and IPv6 ranges', () => {
    for (const cidr of ['10.0.0.0/8', '10.96.0.0/12', '172.16.5.0/24', '192.168.1.7', '100.64.0.0/16', 'fd00:10::/64']) assert.ok(isPrivateCidr(cidr), cidr);
  });

  it('rejects public, wider and malformed ranges', () => {
    for (const cidr of ['20.1.1.1/32', '0.0.0.0/0', '172.32.0.0/16', '8.0.0.0/7', '2001:db8::/32', '10.0.0.0/33', 'not-a-cidr', '300.1.1.1/32']) {
      assert.equal(isPrivateCidr(cidr), false, cidr);
    }
  });
});

describe('network-policy/ip-block-only', () => {
  const ruleId = 'network-policy/ip-block-only';
  const policy = lines(
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    '  name: db-from-app',
    '  namespace: shop',
    'spec:',
    '  podSelector: {}',
    '  ingress:',
    '  - from:',
    '    - ipBlock:',
    '        cidr: 10.12.0.0/16',
    '    - ipBlock:',
    '        cidr: 10.13.0.0/16',
  );

  it('flags a rule whose peers are only private ipBlocks', () => {
    const findings = findingsOf(analyze(policy, 'np.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(policy, findings[0]), '10.12.0.0/16');
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /10\.12\.0\.0\/16, 10\.13\.0\.0\/16/);
  });

  it('accepts a rule that also selects pods', () => {
    const text = policy + lines('    - podSelector:', '        matchLabels:', '          app: web');
    assert.equal(findingsOf(analyze(text, 'np.yaml'), ruleId).length, 0);
  });

  it('accepts egress to a public range', () => {
    const text = policy.replace('ingress:\n  - from:', 'egress:\n  - to:').replace('10.12.0.0/16', '203.0.113.0/24').replace('10.13.0.0/16', '198.51.100.0/24');
    assert.equal(findingsOf(analyze(text, 'np.yaml'), ruleId).length, 0);
  });

  it('ignores Calico policies of the same kind', () => {
    const text = policy.replace('networking.k8s.io/v1', 'projectcalico.org/v3');
    assert.equal(findingsOf(analyze(text, 'np.yaml'), ruleId).length, 0);
  });
});

describe('network-policy/cilium-cidr-without-auth', () => {
  const ruleId = 'network-policy/cilium-cidr-without-auth';
  const policy = lines(
    'apiVersion: cilium.io/v2',
    'kind: CiliumNetworkPolicy',
    'metadata:',
    '  name: ledger',
    'spec:',
    '  endpointSelector:',
    '    matchLabels:',
    '      app: ledger',
    '  ingress:',
    '  - fromCIDR:',
    '    - 10.30.0.0/16',
  );

  it('flags fromCIDR on a private range', () => {
    const findings = findingsOf(analyze(policy, 'cnp.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(policy, findings[0]), '10.30.0.0/16');
    assert.equal(findings[0].severity, 'warning');
  });

  it('reads every rule of a specs list', () => {
    const text = lines(
      'apiVersion: cilium.io/v2',
      'kind: CiliumClusterwideNetworkPolicy',
      'metadata:',
      '  name: batch',
      'specs:',
      '- endpointSelector: {}',
      '  egress:',
      '  - toCIDRSet:',
      '    - cidr: 192.168.0.0/16',
    );
    const findings = findingsOf(analyze(text, 'ccnp.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(text, findings[0]), '192.168.0.0/16');
  });

  it('accepts a rule that requires mutual authentication', () => {
    const text = policy + lines('    authentication:', '      mode: required');
    assert.equal(findingsOf(analyze(text, 'cnp.yaml'), ruleId).length, 0);
  });
});

describe('network-policy/calico-nets-only', () => {
  const ruleId = 'network-policy/calico-nets-only';
  const policy = lines(
    'apiVersion: projectcalico.org/v3',
    'kind: GlobalNetworkPolicy',
    'metadata:',
    '  name: ledger',
    'spec:',
    '  selector: app == "ledger"',
    '  ingress:',
    '  - action: Allow',
    '    source:',
    '      nets:',
    '      - 10.40.0.0/16',
  );

  it('flags an Allow rule matching only nets', () => {
    const findings = findingsOf(analyze(policy, 'gnp.yaml'), ruleId);
    assert.equal(findings.length, 1);
    assert.equal(underlined(policy, findings[0]), '10.40.0.0/16');
    assert.equal(findings[0].severity, 'hint');
  });

  it('accepts nets combined with service accounts', () => {
    const text = policy + lines('      serviceAccounts:', '        names: [report-builder]');
    assert.equal(findingsOf(analyze(text, 'gnp.yaml'), ruleId).length, 0);
  });

  it('ignores Deny rules', () => {
    assert.equal(findingsOf(analyze(policy.replace('action: Allow', 'action: Deny'), 'gnp.yaml'), ruleId).length, 0);
  });
});

describe('network-policy rules on the corpus', { skip: CORPUS_SKIP }, () => {
  const folder = 'network-policy';
  const analyse = (name: string): FileAnalysis => analyze(corpusFile(`${folder}/${name}`), `${folder}/${name}`);

  it('flags the private toCIDRSet of the Cilium CIDR example only', () => {
    const text = corpusFile(`${folder}/cilium__examples__policies__l3__cidr__cidr.yaml`);
    const findings = findingsOf(analyse('cilium__examples__policies__l3__cidr__cidr.yaml'), 'network-policy/cilium-cidr-without-auth');
    assert.deepEqual(findings.map((finding) => underlined(text, finding)), ['10.0.0.0/8']);
    assert.equal(findings[0].dimension, 'identity-policy');
  });

  it('flags the clusterwide fromCIDRSet example', () => {
    const findings = findingsOf(analyse('cilium__examples__kubernetes__servicemesh__policy__allow-ingress-cidr.yaml'), 'network-policy/cilium-cidr-without-auth');
    assert.equal(findings.length, 1);
  });

  it('accepts the mutual-authentication example', () => {
    const findings = analyse('cilium__examples__kubernetes__servicemesh__cnp-with-mutual-auth.yaml').findings;
    assert.deepEqual(findings.filter((finding) => finding.system === 'network-policy'), []);
  });

  it('flags only the ipBlock-only egress of the Kubernetes example', () => {
    const name = 'website__content__en__examples__service__networking__networkpolicy.yaml';
    const findings = findingsOf(analyse(name), 'network-policy/ip-block-only');
    assert.deepEqual(findings.map((finding) => underlined(corpusFile(`${folder}/${name}`), finding)), ['10.0.0.0/24']);
  });

  it('stays silent on the templated cert-manager policies', () => {
    const analysis = analyse('cert-manager__deploy__charts__cert-manager__templates__networkpolicy-webhooks.yaml');
    assert.deepEqual(analysis.findings.filter((finding) => finding.system === 'network-policy'), []);
  });
});

const EXAMPLES = resolve(__dirname, '../../../../examples');

function exampleFindings(folder: string): FileAnalysis[] {
  return analyzeFolder(join(EXAMPLES, folder));
}

describe('network-policy example workspaces', () => {
  it('cluster-bound example raises every network-policy rule', () => {
    const ruleIds = new Set(exampleFindings('cluster-bound/network-policy').flatMap((analysis) => analysis.findings.map((finding) => finding.ruleId)));
    for (const expected of ['network-policy/ip-block-only', 'network-policy/cilium-cidr-without-auth', 'network-policy/calico-nets-only']) assert.ok(ruleIds.has(expected), expected);
  });

  it('portable example raises no network-policy finding', () => {
    const findings = exampleFindings('portable/network-policy').flatMap((analysis) => analysis.findings.filter((finding) => finding.system === 'network-policy'));
    assert.deepEqual(findings.map((finding) => finding.message), []);
  });
});
