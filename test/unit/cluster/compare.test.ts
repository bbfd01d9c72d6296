import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compareEvidence, formatComparison, type ClusterEvidence } from '../../../src/cluster';
import { runCompare } from '../../../src/cli/cluster';
import type { FixtureObject } from '../../fixtures/api-server';
import type { FixtureCluster } from '../../fixtures/cluster';
import { clusterBoundEstate, estateCertificates, portableEstate } from '../../fixtures/estates';
import { ClusterTestBed } from './setup';

const bed = new ClusterTestBed();
let east: FixtureCluster;
let west: FixtureCluster;
let bound: FixtureCluster;
let federatedPeer: FixtureCluster;
let file: string;
const evidence: Record<string, ClusterEvidence> = {};

/** Gives the `west` SPIRE server its own root and makes it federate with `east`. */
function federatingPeer(): FixtureObject[] {
  const estate = portableEstate(bed.pki, 'peer', 'west.acme.example');
  const ownRoot = estateCertificates(bed.pki).spireRoot.certPem;
  return estate.objects.map((object) => {
    if (object.kind === 'ConfigMap' && object.metadata.name === 'spire-bundle') return { ...object, data: { 'bundle.crt': ownRoot } };
    if (object.kind === 'ClusterFederatedTrustDomain') return { ...object, spec: { trustDomain: 'east.acme.example', bundleEndpointURL: 'https://spire-east.acme.example:8443', bundleEndpointProfile: { type: 'https_spiffe', endpointSPIFFEID: 'spiffe://east.acme.example/spire/server' } } };
    return object;
  });
}

before(async () => {
  east = await bed.start(portableEstate(bed.pki, 'east', 'east.acme.example'));
  west = await bed.start(portableEstate(bed.pki, 'west', 'west.acme.example'));
  bound = await bed.start(clusterBoundEstate(bed.pki, 'bound'));
  federatedPeer = await bed.start({ ...portableEstate(bed.pki, 'peer', 'west.acme.example'), objects: federatingPeer() });
  file = bed.kubeconfig([{ cluster: east }, { cluster: west }, { cluster: bound }, { cluster: federatedPeer }]);
  for (const context of ['east', 'west', 'bound', 'peer']) evidence[context] = await bed.collect(file, { context });
});
after(() => bed.dispose());

function relationOf(contexts: string[], system: string): string | undefined {
  return compareEvidence(contexts.map((context) => evidence[context])).systems.find((entry) => entry.system === system)?.relationship;
}

describe('context comparison', () => {
  it('finds a shared root across portable clusters', () => {
    assert.equal(relationOf(['east', 'west'], 'spire'), 'shared-root');
    assert.equal(relationOf(['east', 'west'], 'istio'), 'shared-root');
    assert.equal(relationOf(['east', 'west'], 'cert-manager'), 'shared-root');
  });

  it('shows root fingerprints and trust domains side by side', () => {
    const spire = compareEvidence([evidence.east, evidence.west]).systems.find((entry) => entry.system === 'spire')!;
    assert.deepEqual(spire.columns.map((column) => column.trustDomains), [['east.acme.example'], ['west.acme.example']]);
    assert.deepEqual(spire.columns[0].rootFingerprints, spire.columns[1].rootFingerprints);
  });

  it('calls different roots without federation isolated', () => {
    assert.equal(relationOf(['bound', 'east'], 'spire'), 'isolated');
    assert.equal(relationOf(['bound', 'east'], 'istio'), 'isolated');
    assert.equal(relationOf(['bound', 'east'], 'service-accounts'), 'isolated');
  });

  it('calls different roots with mutual federation federated', () => {
    assert.equal(relationOf(['east', 'peer'], 'spire'), 'isolated');
    const eastFederating: ClusterEvidence = structuredClone(evidence.east);
    eastFederating.systems.spire.federation = [{ trustDomain: 'west.acme.example', bundleSource: 'https://spire-west.acme.example:8443', source: 'east/_cluster/ClusterFederatedTrustDomain/west' }];
    const spire = compareEvidence([eastFederating, evidence.peer]).systems.find((entry) => entry.system === 'spire')!;
    assert.equal(spire.relationship, 'federated');
  });

  it('reports a system missing from one context', () => {
    assert.equal(relationOf(['bound', 'east'], 'linkerd'), 'isolated');
    assert.equal(relationOf(['east', 'west'], 'linkerd'), 'not-installed');
  });

  it('formats a Markdown table', () => {
    const text = formatComparison(compareEvidence([evidence.east, evidence.west]));
    assert.match(text, /^# Trust anchors across east, west/);
    assert.match(text, /## SPIRE: shared-root/);
    assert.match(text, /\| trust domains \| east\.acme\.example \| west\.acme\.example \|/);
  });
});

describe('trust-anchor compare', () => {
  function capture(): { io: Parameters<typeof runCompare>[1]; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) }, cwd: bed.folder, env: {} }, out, err };
  }

  it('prints the comparison of two contexts', async () => {
    const { io, out, err } = capture();
    const code = await runCompare(['--kubeconfig', file, '--contexts', 'east,west'], io);
    assert.equal(code, 0, err.join(''));
    assert.match(out.join(''), /SPIRE: shared-root/);
  });

  it('prints JSON', async () => {
    const { io, out } = capture();
    assert.equal(await runCompare(['--kubeconfig', file, '--contexts=east,bound', '--format', 'json'], io), 0);
    const parsed = JSON.parse(out.join('')) as { contexts: string[] };
    assert.deepEqual(parsed.contexts, ['east', 'bound']);
  });

  it('rejects a single context', async () => {
    const { io, err } = capture();
    assert.equal(await runCompare(['--kubeconfig', file, '--contexts', 'east'], io), 2);
    assert.match(err.join(''), /at least two contexts/);
  });

  it('exits 2 when a context cannot be read', async () => {
    const { io, err } = capture();
    assert.equal(await runCompare(['--kubeconfig', file, '--contexts', 'east,nowhere'], io), 2);
    assert.match(err.join(''), /context nowhere: Context "nowhere" is not in/);
  });

  it('names a bad option', async () => {
    const { io, err } = capture();
    assert.equal(await runCompare(['--timeout', 'soon', '--contexts', 'a,b'], io), 2);
    assert.match(err.join(''), /--timeout "soon" is invalid/);
  });
});
