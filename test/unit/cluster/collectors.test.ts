import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { analyzeEvidence, definingDocument, isClientNodeLoaded, METADATA_LIST_ACCEPT, type ClusterEvidence } from '../../../src/cluster';
import { Analyzer } from '../../../src/engine/analyze';
import type { FixtureCluster } from '../../fixtures/cluster';
import { clusterBoundEstate, estateCertificates, portableEstate } from '../../fixtures/estates';
import { ClusterTestBed } from './setup';

const bed = new ClusterTestBed();
let bound: FixtureCluster;
let portable: FixtureCluster;
let boundEvidence: ClusterEvidence;
let portableEvidence: ClusterEvidence;
let clientNodeLoadedBeforeFirstCall = true;

before(async () => {
  bound = await bed.start(clusterBoundEstate(bed.pki));
  portable = await bed.start(portableEstate(bed.pki));
  const file = bed.kubeconfig([{ cluster: bound }, { cluster: portable, auth: 'client-cert' }]);
  clientNodeLoadedBeforeFirstCall = isClientNodeLoaded();
  boundEvidence = await bed.collect(file, { context: 'cluster-bound' });
  portableEvidence = await bed.collect(file, { context: 'portable' });
});
after(() => bed.dispose());

function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

describe('collection from a cluster-bound estate', () => {
  it('loads the Kubernetes client only on the first cluster call', () => {
    assert.equal(clientNodeLoadedBeforeFirstCall, false);
    assert.equal(isClientNodeLoaded(), true);
  });

  it('reads every system without gaps', () => {
    assert.equal(boundEvidence.fatal, undefined);
    for (const system of Object.values(boundEvidence.systems)) {
      assert.deepEqual(system.gaps, [], `${system.system} has gaps`);
      assert.equal(system.status, 'found', `${system.system} status`);
    }
    assert.equal(boundEvidence.serverVersion, 'v1.32.4-fixture');
  });

  it('parses the SPIRE server config and its data volume', () => {
    const spire = boundEvidence.systems.spire;
    assert.deepEqual(spire.trustDomains, ['example.org']);
    assert.deepEqual(spire.facts.keyManager, ['disk']);
    assert.deepEqual(spire.facts.upstreamAuthority, []);
    assert.deepEqual(spire.facts.dataStore, ['sqlite3']);
    assert.equal(spire.facts.dataVolume, 'emptyDir');
    assert.equal(spire.facts.clusterSpiffeIds, 1);
  });

  it('reads the SPIRE bundle root', () => {
    const [root] = boundEvidence.systems.spire.certificates;
    assert.equal(root.source, 'cluster-bound/spire-system/ConfigMap/spire-bundle');
    assert.equal(root.role, 'trust-anchor');
    assert.deepEqual(root.certificate.spiffeIds, ['spiffe://example.org']);
    assert.equal(root.certificate.fingerprintSha256, fingerprintOf(estateCertificates(bed.pki).spireRoot.certPem));
  });

  it('finds the cert-manager selfSigned root in CertificateRequest status', () => {
    const certManager = boundEvidence.systems['cert-manager'];
    assert.deepEqual(certManager.facts.issuerTypes, ['selfSigned', 'ca']);
    assert.equal(certManager.certificates.length, 1);
    assert.equal(certManager.certificates[0].field, 'status.ca');
    assert.equal(certManager.certificates[0].role, 'trust-anchor');
    assert.equal(certManager.facts.caSecretsCreatedByHand, 0);
  });

  it('learns the Istio CA mode from Secret metadata', () => {
    const istio = boundEvidence.systems.istio;
    assert.equal(istio.facts.caMode, 'self-signed');
    assert.equal(istio.facts.cacertsSecret, false);
    assert.deepEqual(istio.trustDomains, ['cluster.local']);
    assert.equal(istio.certificates[0].certificate.subject, 'O=cluster.local');
    assert.equal(istio.certificates[0].certificate.keySize, 2048);
    assert.equal(istio.facts.meshWideMtls, 'PERMISSIVE');
  });

  it('reads the Linkerd anchor and issuer scheme', () => {
    const linkerd = boundEvidence.systems.linkerd;
    assert.equal(linkerd.facts.issuerScheme, 'linkerd.io/tls');
    assert.equal(linkerd.facts.issuerSecretType, 'other (chart-held issuer key)');
    assert.equal(linkerd.certificates[0].certificate.subject, 'CN=root.linkerd.cluster.local');
    assert.ok(linkerd.certificates[0].certificate.daysRemaining <= 30);
  });

  it('reads the service-account issuer, tokens and IRSA', () => {
    assert.deepEqual(boundEvidence.serviceAccountIssuer, { issuer: 'https://kubernetes.default.svc.cluster.local', jwksUri: 'https://kubernetes.default.svc.cluster.local/openid/v1/jwks', keyIds: ['f3kQ1-cluster-bound-kid'], format: 'in-cluster' });
    const accounts = boundEvidence.systems['service-accounts'];
    assert.equal(accounts.facts.legacyTokenSecrets, 1);
    assert.equal(accounts.facts['workloadIdentity.AWS IRSA'], 1);
    assert.equal(boundEvidence.namespaceCreation['kube-system'], '2026-01-05T09:58:00Z');
  });

  it('flags IP-only network policy', () => {
    assert.equal(boundEvidence.systems['network-policy'].facts.ipBlockOnlyPolicies, 1);
  });
});

describe('collection from a portable estate', () => {
  it('sees the external root, federation and persistent data', () => {
    const spire = portableEvidence.systems.spire;
    assert.deepEqual(spire.facts.upstreamAuthority, ['vault']);
    assert.equal(spire.facts.dataVolume, 'persistentVolumeClaim');
    assert.deepEqual(spire.federation.map((entry) => [entry.trustDomain, entry.bundleSource]), [['partner.example', 'https://bundle.partner.example/bundle']]);
    assert.deepEqual(spire.certificates.map((entry) => entry.role), ['trust-anchor', 'intermediate']);
  });

  it('reports Linkerd as not installed when its CRDs are absent', () => {
    assert.equal(portableEvidence.systems.linkerd.status, 'not-installed');
    assert.deepEqual(portableEvidence.systems.linkerd.gaps, []);
  });

  it('sees the Istio plug-in CA and the trust-manager bundle root', () => {
    assert.equal(portableEvidence.systems.istio.facts.caMode, 'plug-in');
    const orgRoot = fingerprintOf(estateCertificates(bed.pki).organisationRoot.certPem);
    assert.ok(portableEvidence.systems['cert-manager'].certificates.some((entry) => entry.certificate.fingerprintSha256 === orgRoot));
    assert.equal(portableEvidence.serviceAccountIssuer?.format, 'custom');
  });
});

describe('requests sent', () => {
  it('never receives Secret data', () => {
    for (const cluster of [bound, portable]) {
      assert.deepEqual(cluster.server.log.filter((entry) => entry.returnedSecretData), []);
    }
  });

  it('lists Secrets only as metadata, with no fallback type', () => {
    const secretRequests = [...bound.server.log, ...portable.server.log].filter((entry) => entry.resource === 'secrets');
    assert.ok(secretRequests.length >= 4);
    for (const entry of secretRequests) {
      assert.equal(entry.accept, METADATA_LIST_ACCEPT);
      assert.equal(entry.metadataOnly, true);
    }
  });

  it('lists each kind once per context', () => {
    const lists = bound.server.log.filter((entry) => entry.resource && entry.resource !== 'secrets').map((entry) => `${entry.path}${new URLSearchParams(entry.query).get('fieldSelector') ?? ''}`);
    assert.deepEqual(lists.filter((path, index) => lists.indexOf(path) !== index), []);
    assert.equal(boundEvidence.requestCount, bound.server.log.filter((entry) => entry.user !== undefined || entry.status === 401).length);
  });

  it('authenticates with a client certificate', () => {
    assert.ok(portable.server.log.every((entry) => entry.user === 'cert:fixture-admin'));
  });
});

describe('live findings', () => {
  const analysis = () => analyzeEvidence(boundEvidence);

  it('run the engine rules and name their cluster source', () => {
    const legacy = analysis().findings.find((finding) => finding.ruleId === 'service-accounts/legacy-token-secret');
    assert.ok(legacy, 'legacy token finding');
    assert.equal(legacy.clusterSource, 'cluster-bound/payments/Secret/build-robot-token');
    assert.equal(legacy.file, legacy.clusterSource);
  });

  it('give every finding a cluster source', () => {
    const findings = analysis().findings;
    assert.ok(findings.length > 5);
    assert.deepEqual(findings.filter((finding) => !finding.clusterSource?.startsWith('cluster-bound/')), []);
  });

  it('report a long-lived in-cluster root', () => {
    const findings = analysis().findings.filter((finding) => finding.ruleId === 'cluster/root-without-rotation-path');
    assert.deepEqual(findings.map((finding) => finding.clusterSource).sort(), ['cluster-bound/cert-manager/CertificateRequest/workload-root-1', 'cluster-bound/istio-system/ConfigMap/istio-ca-root-cert']);
  });

  it('report an anchor close to expiry once', () => {
    const expiring = analysis().findings.filter((finding) => /anchor-expiring/.test(finding.ruleId) && finding.clusterSource === 'cluster-bound/linkerd/ConfigMap/linkerd-identity-trust-roots');
    assert.equal(expiring.length, 1);
    assert.match(expiring[0].message, /root\.linkerd\.cluster\.local/);
  });

  it('skip the generic expiry check when turned off', () => {
    const withoutEngineRule = analyzeEvidence(boundEvidence, { analysis: { severityOverrides: { 'linkerd/anchor-expiring': 'off' } } });
    const generic = withoutEngineRule.findings.filter((finding) => finding.ruleId === 'cluster/anchor-expiring');
    assert.deepEqual(generic.map((finding) => finding.clusterSource), ['cluster-bound/linkerd/ConfigMap/linkerd-identity-trust-roots']);
    const off = analyzeEvidence(boundEvidence, { analysis: { severityOverrides: { 'linkerd/anchor-expiring': 'off', 'cluster/anchor-expiring': 'off' } } });
    assert.equal(off.findings.filter((finding) => /anchor-expiring/.test(finding.ruleId)).length, 0);
  });

  it('link to the workspace file that defines the object', () => {
    const workspace = new Analyzer();
    workspace.update('deploy/tokens.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: build-robot-token\n  namespace: payments\ntype: kubernetes.io/service-account-token\n');
    const link = definingDocument(workspace.workspace, 'cluster-bound/payments/Secret/build-robot-token');
    assert.equal(link?.file, 'deploy/tokens.yaml');
    assert.equal(definingDocument(workspace.workspace, 'cluster-bound/other/Secret/build-robot-token'), undefined);
  });
});
